package io.finetune.dataset.service;

import java.io.IOException;
import java.util.List;

/**
 * Reads RFC 4180 CSV records one at a time, in constant memory (one record at a time, capped in
 * length), and knows the line each record starts on. Quoted values may hold commas, doubled quotes
 * and line breaks (CRLF, LF and CR, each read as LF); blank lines are skipped. Works on the UTF-8
 * bytes: the characters that structure CSV are all ASCII.
 */
final class CsvReader implements RecordReader {

    /** The bytes that end a run of plain characters in an unquoted value, and in a quoted one. */
    private static final boolean[] UNQUOTED_STOPS = stops(",\"\n\r");
    private static final boolean[] QUOTED_STOPS = stops("\"\n\r");

    private static boolean[] stops(String bytes) {
        boolean[] stops = new boolean[256];
        bytes.chars().forEach(b -> stops[b] = true);
        return stops;
    }

    private final Utf8Input in;
    private final int maxRecordChars;
    private final Record record = new Record();
    private long recordLine;

    CsvReader(Utf8Input in, int maxRecordChars) {
        this.in = in;
        this.maxRecordChars = maxRecordChars;
    }

    @Override
    public long recordLine() {
        return recordLine;
    }

    @Override
    public List<String> header() throws IOException {
        Record header = next();
        return header == null ? null : header.values().stream().map(String::strip).toList();
    }

    @Override
    public Record next() throws IOException {
        boolean found;
        do {
            found = nextRecord();
        } while (found && record.isBlank());
        return found ? record : null;
    }

    /** Reads the next record into {@link #record}; false at the end of the file. */
    private boolean nextRecord() throws IOException {
        if (in.peek() == -1) {
            return false;
        }
        recordLine = in.line();
        if (simpleRecord()) {
            return true;
        }
        Record r = record;
        r.clear();
        int c = in.read();
        boolean quoted = false;
        // what counts toward the length limit besides the values' characters: separators and opening quotes
        int structure = 0;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new RecordFormatException(recordLine,
                            "a quoted value that starts on this line is never closed; add the closing '\"'"
                                    + " (write a quote inside a quoted value as '\"\"')");
                }
                if (c == '"') {
                    int after = in.read();
                    if (after != '"') {
                        quoted = false;
                        c = after;
                        continue;
                    }
                    r.append(c);
                } else if (c == '\n' || c == '\r') {
                    endLine(c);
                    r.append('\n');
                } else {
                    r.append(c);
                    in.copyUntil(r, QUOTED_STOPS);
                }
            } else if (c == ',') {
                r.endValue();
                structure++;
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c != -1) {
                    endLine(c);
                }
                r.endValue();
                return true;
            } else if (c == '"' && r.valueIsEmpty()) {
                quoted = true;
                structure++;
            } else {
                r.append(c);
                in.copyUntil(r, UNQUOTED_STOPS);
            }
            // bytes are at least as many as characters: count the characters only for a long row
            if (r.byteLength() + structure > maxRecordChars && r.chars() + structure > maxRecordChars) {
                throw new RecordFormatException(recordLine, "the row that starts on this line is longer than "
                        + maxRecordChars + " characters; check for a missing line break or an unclosed quote");
            }
            c = in.read();
        }
    }

    /**
     * The common case in one tight loop over the input buffer: a record without quotes or CRs that ends
     * with LF within the bytes already read, and not over the length limit (bytes are at least as many
     * as characters). Its values stay where they are, in the buffer. False, and nothing consumed, for
     * anything else: the general path then reads the record.
     */
    private boolean simpleRecord() {
        byte[] b = in.buffer();
        int start = in.position();
        int limit = Math.min(in.limit(), start + maxRecordChars);
        Record r = record;
        r.wrap(b);
        int bits = 0;
        for (int i = start; i < limit; i++) {
            byte c = b[i];
            if (!UNQUOTED_STOPS[c & 0xff]) {
                bits |= c;
            } else if (c == ',') {
                r.endValue(start, i, bits >= 0);
                start = i + 1;
                bits = 0;
            } else if (c == '\n') {
                r.endValue(start, i, bits >= 0);
                in.skipTo(i + 1);
                in.newLine();
                return true;
            } else {
                return false;
            }
        }
        return false;
    }

    /** Consumes the rest of a line break that starts with {@code c} (the LF of a CRLF) and counts the line. */
    private void endLine(int c) throws IOException {
        if (c == '\r' && in.peek() == '\n') {
            in.read();
        }
        in.newLine();
    }
}
