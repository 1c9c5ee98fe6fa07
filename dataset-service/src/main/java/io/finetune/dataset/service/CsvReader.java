package io.finetune.dataset.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV records one at a time, in constant memory (one record at a time, capped in
 * length), and knows the line each record starts on. Quoted values may hold commas, doubled quotes
 * and line breaks; blank lines are skipped.
 */
final class CsvReader implements RecordReader {

    private final Utf8Reader in;
    private final int maxRecordChars;
    private long recordLine;

    CsvReader(Utf8Reader in, int maxRecordChars) {
        this.in = in;
        this.maxRecordChars = maxRecordChars;
    }

    @Override
    public long recordLine() {
        return recordLine;
    }

    @Override
    public List<String> header() throws IOException {
        List<String> header = next();
        return header == null ? null : header.stream().map(String::strip).toList();
    }

    @Override
    public List<String> next() throws IOException {
        List<String> record;
        do {
            record = nextRecord();
        } while (record != null && record.size() == 1 && record.get(0).isBlank());
        return record;
    }

    /** The next record's values, unstripped; null at the end of the file. */
    private List<String> nextRecord() throws IOException {
        int c = in.read();
        if (c == -1) {
            return null;
        }
        recordLine = in.line() - (c == '\n' ? 1 : 0);
        List<String> values = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        int length = 0;
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
                }
                value.append((char) c);
            } else if (c == ',') {
                values.add(value.toString());
                value.setLength(0);
            } else if (c == '\n' || c == -1) {
                values.add(value.toString());
                return values;
            } else if (c == '"' && value.isEmpty()) {
                quoted = true;
            } else {
                value.append((char) c);
            }
            if (++length > maxRecordChars) {
                throw new RecordFormatException(recordLine, "the row that starts on this line is longer than "
                        + maxRecordChars + " characters; check for a missing line break or an unclosed quote");
            }
            c = in.read();
        }
    }
}
