package io.finetune.dataset.service;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bytes of a UTF-8 text, one at a time from a fixed 256 KiB buffer, each byte checked to belong to a
 * well-formed UTF-8 sequence before it is handed out, with a leading byte-order mark dropped. The
 * readers on top count the lines ({@link #newLine()}); line breaks, commas and quotes are ASCII, so
 * they never occur inside a multi-byte sequence and the readers can work on bytes, not characters.
 *
 * <p>Working on bytes, not characters, is what makes validation about as fast as reading: no decoder,
 * no per-character buffer hand-off. The bytes before a malformed sequence are handed out first, so that
 * the problem names the line the bad byte is on and its byte offset (as a {@code CharsetDecoder} would
 * reject it: overlong forms, surrogates and code points above U+10FFFF are malformed too).
 */
final class Utf8Input {

    static final int BUFFER = 256 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int BOM_LENGTH = 3;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    /** The next byte to hand out. */
    private int position;
    /** The end of the checked bytes; {@code [limit, end)} is the start of a sequence whose rest is not read yet. */
    private int limit;
    private int end;
    /** The offset in the text of {@code buffer[0]}. */
    private long base;
    /** The offset of the first malformed byte, once met; -1 before. */
    private long malformedAt = -1;
    private boolean endOfInput;
    private boolean started;
    /** The line of the next byte. */
    private long line = 1;

    Utf8Input(InputStream in) {
        this.in = in;
    }

    /** The 1-based line of the next byte. */
    long line() {
        return line;
    }

    /** Called by the reader for each line break it consumes (CRLF counts once). */
    void newLine() {
        line++;
    }

    /** The next byte (0-255), or -1 at the end. */
    int read() throws IOException {
        return position < limit || fill() ? buffer[position++] & 0xff : -1;
    }

    /** The next byte without consuming it, or -1 at the end. */
    int peek() throws IOException {
        return position < limit || fill() ? buffer[position] & 0xff : -1;
    }

    /** The buffer, for a reader that scans {@code [position(), limit())} itself and then {@link #skipTo}s. */
    byte[] buffer() {
        return buffer;
    }

    int position() {
        return position;
    }

    /** The end of the bytes available (checked) now. */
    int limit() {
        return limit;
    }

    void skipTo(int newPosition) {
        position = newPosition;
    }

    /** Appends the next bytes up to the first one marked in {@code stops} (not consumed), or up to the buffer's end. */
    void copyUntil(Record record, boolean[] stops) {
        position = record.appendUntil(buffer, position, limit, stops);
    }

    /** Makes bytes available; false at the end. Throws at a malformed sequence once every byte before it is read. */
    private boolean fill() throws IOException {
        while (position == limit) {
            if (malformedAt >= 0) {
                throw new RecordFormatException(line, "this line is not valid UTF-8 text (the bad byte is at byte offset "
                        + malformedAt + " of the file); save the file as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet program)");
            }
            if (endOfInput) {
                return false;
            }
            int pending = end - limit;
            System.arraycopy(buffer, limit, buffer, 0, pending);
            base += limit;
            position = 0;
            limit = 0;
            end = pending;
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                endOfInput = true;
            } else {
                end += n;
            }
            if (!started) {
                if (end < BOM_LENGTH && !endOfInput) {
                    continue;
                }
                started = true;
                if (end >= BOM_LENGTH && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF) {
                    // a byte-order mark some editors write; not part of the first column's name
                    position = BOM_LENGTH;
                    limit = BOM_LENGTH;
                }
            }
            limit = checked(limit, end);
            if (endOfInput && limit < end && malformedAt < 0) {
                malformedAt = base + limit; // the file ends inside a sequence
            }
        }
        return true;
    }

    /**
     * The end of the well-formed sequences from {@code from}: {@code to}, the start of a sequence cut
     * off by {@code to}, or the start of a malformed one (then recorded in {@link #malformedAt}).
     */
    private int checked(int from, int to) {
        byte[] b = buffer;
        int i = from;
        while (i < to) {
            // eight ASCII bytes at a time: most of a dataset is ASCII
            while (i + Long.BYTES <= to && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
                i += Long.BYTES;
            }
            if (i == to) {
                break;
            }
            if (b[i] >= 0) {
                i++;
                continue;
            }
            int lead = b[i] & 0xff;
            int length;
            int low = 0x80;
            int high = 0xBF;
            if (lead < 0xC2) {
                length = 0;
            } else if (lead < 0xE0) {
                length = 2;
            } else if (lead < 0xF0) {
                length = 3;
                low = lead == 0xE0 ? 0xA0 : 0x80;
                high = lead == 0xED ? 0x9F : 0xBF;
            } else if (lead < 0xF5) {
                length = 4;
                low = lead == 0xF0 ? 0x90 : 0x80;
                high = lead == 0xF4 ? 0x8F : 0xBF;
            } else {
                length = 0;
            }
            boolean wellFormed = length > 0;
            int available = Math.min(length, to - i);
            for (int k = 1; wellFormed && k < available; k++) {
                int next = b[i + k] & 0xff;
                wellFormed = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
            }
            if (!wellFormed) {
                malformedAt = base + i;
                return i;
            }
            if (available < length) {
                return i;
            }
            i += length;
        }
        return i;
    }
}
