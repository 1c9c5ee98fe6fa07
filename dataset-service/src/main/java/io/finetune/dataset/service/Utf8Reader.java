package io.finetune.dataset.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Characters of UTF-8 bytes, one at a time, with CRLF, LF and CR all turned into '\n', the line of
 * the next character, and a leading byte-order mark dropped. Fixed 64 KiB buffers, whatever the input.
 *
 * <p>It decodes UTF-8 itself rather than through an {@code InputStreamReader}, which drops the
 * characters decoded just before a malformed byte and so would report the wrong line, and cannot
 * say at which byte the bad sequence starts.
 */
final class Utf8Reader {

    private static final int BUFFER = 64 * 1024;
    private static final int NONE = -2;

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    private boolean endOfInput;
    private boolean decoded;
    /** The offset of the first malformed byte, once the decoder has met it; -1 before. */
    private long malformedAt = -1;
    private long bytesRead;
    private int peeked = NONE;
    private boolean started;

    /** The line of the next character to read. */
    private long line = 1;

    Utf8Reader(InputStream in) {
        this.in = in;
        bytes.flip();
        chars.flip();
    }

    /** The 1-based line of the next character. */
    long line() {
        return line;
    }

    /** The next character with every line break turned into '\n', or -1 at the end. */
    int read() throws IOException {
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
            if (malformedAt >= 0) {
                throw new RecordFormatException(line, "this line is not valid UTF-8 text (the bad byte is at byte offset "
                        + malformedAt + " of the file); save the file as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet program)");
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
                bytesRead += n;
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }
        chars.clear();
        CoderResult result = decoder.decode(bytes, chars, endOfInput);
        if (result.isError()) {
            // the decoder stops with the buffer positioned at the malformed sequence
            malformedAt = bytesRead - bytes.remaining();
        } else if (endOfInput && result.isUnderflow()) {
            decoder.flush(chars);
            decoded = true;
        }
        chars.flip();
    }
}
