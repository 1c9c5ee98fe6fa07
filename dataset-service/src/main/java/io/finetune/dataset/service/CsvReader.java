package io.finetune.dataset.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV records from UTF-8 bytes one at a time, in constant memory (one record at a
 * time, capped in length), and knows the line each record starts on. Quoted values may hold commas,
 * doubled quotes and line breaks; CRLF, LF and CR all end a line.
 *
 * <p>It decodes UTF-8 itself rather than through an {@code InputStreamReader}, which drops the
 * characters decoded just before a malformed byte and so would report the wrong line.
 */
final class CsvReader {

    private static final int BUFFER = 64 * 1024;
    private static final int NONE = -2;

    private final InputStream in;
    private final int maxRecordChars;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    private boolean endOfInput;
    private boolean decoded;
    private boolean malformed;
    private int peeked = NONE;
    private boolean started;

    /** The line of the next character to read. */
    private long line = 1;
    private long recordLine;

    CsvReader(InputStream in, int maxRecordChars) {
        this.in = in;
        this.maxRecordChars = maxRecordChars;
        bytes.flip();
        chars.flip();
    }

    /** The 1-based line the record last returned by {@link #next()} starts on. */
    long recordLine() {
        return recordLine;
    }

    /** The next record's values, unstripped; null at the end of the file. */
    List<String> next() throws IOException {
        int c = read();
        if (c == -1) {
            return null;
        }
        recordLine = line - (c == '\n' ? 1 : 0);
        List<String> values = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        int length = 0;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new CsvFormatException(recordLine,
                            "a quoted value that starts on this line is never closed; add the closing '\"'"
                                    + " (write a quote inside a quoted value as '\"\"')");
                }
                if (c == '"') {
                    int after = read();
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
                throw new CsvFormatException(recordLine, "the row that starts on this line is longer than "
                        + maxRecordChars + " characters; check for a missing line break or an unclosed quote");
            }
            c = read();
        }
    }

    /** The next character with every line break turned into '\n', or -1 at the end. */
    private int read() throws IOException {
        int c;
        if (peeked != NONE) {
            c = peeked;
            peeked = NONE;
        } else {
            c = decodedChar();
        }
        if (c == '\r') {
            int after = decodedChar();
            if (after != '\n') {
                peeked = after;
            }
            c = '\n';
        }
        if (c == '\n') {
            line++;
        }
        return c;
    }

    private int decodedChar() throws IOException {
        while (!chars.hasRemaining()) {
            if (malformed) {
                throw new CsvFormatException(line, "this line is not valid UTF-8 text; save the file as UTF-8"
                        + " (e.g. 'CSV UTF-8' in a spreadsheet program)");
            }
            if (decoded) {
                return -1;
            }
            decode();
        }
        char c = chars.get();
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                // a byte-order mark some editors write; not part of the first column's name
                return decodedChar();
            }
        }
        return c;
    }

    private void decode() throws IOException {
        if (!endOfInput) {
            bytes.compact();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                endOfInput = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }
        chars.clear();
        CoderResult result = decoder.decode(bytes, chars, endOfInput);
        if (result.isError()) {
            malformed = true;
        } else if (endOfInput && result.isUnderflow()) {
            decoder.flush(chars);
            decoded = true;
        }
        chars.flip();
    }
}
