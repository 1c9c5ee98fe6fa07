package io.finetune.dataset.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One record's values as UTF-8 bytes, in buffers the reader reuses for every record: checking a row
 * creates no objects unless a value must become text (a label seen first, a text to count, a problem
 * to quote). Values are unstripped; the methods that say "stripped" drop leading and trailing
 * whitespace as {@link String#strip()} does.
 */
final class Record {

    /** UTF-16 units per byte of UTF-8: 1 per sequence start, 2 for a 4-byte one, 0 for continuation bytes. */
    private static final byte[] UNITS = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            UNITS[b] = (byte) (b >= 0xF0 ? 2 : (b & 0xC0) == 0x80 ? 0 : 1);
        }
    }

    /** The record's own buffer, and the one its values are in: the own one, or the reader's (see {@link #wrap}). */
    private byte[] own = new byte[4096];
    private byte[] data = own;
    private int length;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    /** Per value: whether it holds only ASCII, where a byte is a character. */
    private boolean[] ascii = new boolean[16];
    private int count;
    private int valueStart;
    /** The bits of the current value's bytes OR-ed: 0x80 set when one is not ASCII. */
    private int valueBits;
    /** {@link #chars()} so far, and the bytes it has counted. */
    private int chars;
    private int charsCounted;

    void clear() {
        data = own;
        length = 0;
        count = 0;
        valueStart = 0;
        valueBits = 0;
        chars = 0;
        charsCounted = 0;
    }

    /** Starts a record whose values lie in {@code bytes}, where the reader found them: nothing is copied. */
    void wrap(byte[] bytes) {
        clear();
        data = bytes;
    }

    /** Ends a value of a {@link #wrap wrapped} record. */
    void endValue(int start, int end, boolean asciiOnly) {
        if (count == ends.length) {
            grow();
        }
        starts[count] = start;
        ends[count] = end;
        ascii[count] = asciiOnly;
        count++;
    }

    void append(int b) {
        if (length == data.length) {
            own = Arrays.copyOf(data, length * 2);
            data = own;
        }
        data[length++] = (byte) b;
        valueBits |= b;
    }

    void append(byte[] bytes) {
        for (byte b : bytes) {
            append(b & 0xff);
        }
    }

    /**
     * Appends {@code src} from {@code from} up to the first byte marked in {@code stops}, or {@code to}:
     * the bulk of a value in one tight loop.
     *
     * @return the index of that stop byte, or {@code to}
     */
    int appendUntil(byte[] src, int from, int to, boolean[] stops) {
        if (length + (to - from) > data.length) {
            own = Arrays.copyOf(data, Math.max(data.length * 2, length + (to - from)));
            data = own;
        }
        byte[] d = data;
        int at = length;
        int bits = 0;
        int i = from;
        while (i < to) {
            byte b = src[i];
            if (stops[b & 0xff]) {
                break;
            }
            d[at++] = b;
            bits |= b;
            i++;
        }
        length = at;
        valueBits |= bits & 0xff;
        return i;
    }

    /** The bytes of all values so far; at least the characters, see {@link #chars()}. */
    int byteLength() {
        return length;
    }

    /** The UTF-16 characters of all values so far; counted on from where the last call stopped. */
    int chars() {
        for (; charsCounted < length; charsCounted++) {
            chars += UNITS[data[charsCounted] & 0xff];
        }
        return chars;
    }

    boolean valueIsEmpty() {
        return length == valueStart;
    }

    void endValue() {
        if (count == ends.length) {
            grow();
        }
        starts[count] = valueStart;
        ends[count] = length;
        ascii[count] = valueBits < 0x80;
        count++;
        valueStart = length;
        valueBits = 0;
    }

    private void grow() {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
        ascii = Arrays.copyOf(ascii, count * 2);
    }

    int size() {
        return count;
    }

    private int start(int i) {
        return starts[i];
    }

    /** The value as written. */
    String value(int i) {
        int start = start(i);
        return new String(data, start, ends[i] - start, ascii[i] ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** The value without leading and trailing whitespace. */
    String stripped(int i) {
        if (!ascii[i]) {
            return value(i).strip();
        }
        int start = strippedStart(i);
        return new String(data, start, strippedEnd(i, start) - start, StandardCharsets.ISO_8859_1);
    }

    List<String> values() {
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(value(i));
        }
        return values;
    }

    /** Whether the record is a single value of whitespace only: a blank line. */
    boolean isBlank() {
        return count == 1 && (ascii[0] ? strippedStart(0) == ends[0] : value(0).isBlank());
    }

    /** Whether the stripped value is a number (see {@link DatasetValidator#isNumber(String)}), read off the bytes. */
    boolean isNumber(int i) {
        if (!ascii[i]) {
            return DatasetValidator.isNumber(value(i).strip());
        }
        int at = strippedStart(i);
        int end = strippedEnd(i, at);
        byte[] d = data;
        if (at < end && (d[at] == '+' || d[at] == '-')) {
            at++;
        }
        int digits = 0;
        while (at < end && isDigit(d[at])) {
            at++;
            digits++;
        }
        if (at < end && d[at] == '.') {
            at++;
            while (at < end && isDigit(d[at])) {
                at++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (at < end && (d[at] == 'e' || d[at] == 'E')) {
            at++;
            if (at < end && (d[at] == '+' || d[at] == '-')) {
                at++;
            }
            int exponent = 0;
            while (at < end && isDigit(d[at])) {
                at++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return at == end;
    }

    /**
     * Where the stripped value is found among {@code keys} (ASCII labels as bytes, an open-addressing
     * table of a power-of-two size): its slot, or the free slot to put it in; -1 when the value is not
     * ASCII, empty or longer than {@code maxLength} (the caller then looks at it as text).
     */
    int slot(int i, byte[][] keys, int maxLength) {
        if (!ascii[i]) {
            return -1;
        }
        int start = strippedStart(i);
        int end = strippedEnd(i, start);
        if (start == end || end - start > maxLength) {
            return -1;
        }
        int hash = 1;
        for (int k = start; k < end; k++) {
            hash = 31 * hash + data[k];
        }
        int mask = keys.length - 1;
        for (int s = (hash ^ (hash >>> 16)) & mask; ; s = (s + 1) & mask) {
            byte[] key = keys[s];
            if (key == null || Arrays.equals(key, 0, key.length, data, start, end)) {
                return s;
            }
        }
    }

    private int strippedStart(int i) {
        int at = start(i);
        int end = ends[i];
        while (at < end && isWhitespace(data[at])) {
            at++;
        }
        return at;
    }

    private int strippedEnd(int i, int start) {
        int end = ends[i];
        while (end > start && isWhitespace(data[end - 1])) {
            end--;
        }
        return end;
    }

    /** {@link Character#isWhitespace} for an ASCII byte. */
    private static boolean isWhitespace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r') || (b >= 0x1C && b <= 0x1F);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
