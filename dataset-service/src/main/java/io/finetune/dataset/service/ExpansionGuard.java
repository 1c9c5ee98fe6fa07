package io.finetune.dataset.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * Counts the bytes a compressed file expands to, so that a small upload that inflates without bound
 * (a "gzip bomb") is stopped within the first megabytes instead of keeping a validation thread busy
 * for minutes: beyond the dataset size limit, or beyond {@link #MAX_RATIO} times the compressed bytes
 * read so far once it is past {@link #RATIO_FLOOR}. Real CSV and JSON Lines compress 3 to 20-fold.
 */
final class ExpansionGuard extends FilterInputStream {

    static final int MAX_RATIO = 100;
    static final long RATIO_FLOOR = 64L * 1024 * 1024;

    /** The file expands too far: reported as the dataset's problem, never retried. */
    static final class ExpansionException extends IOException {
        ExpansionException(String message) {
            super(message);
        }
    }

    private final LongSupplier compressedBytes;
    private final long maxBytes;
    private long expanded;

    /**
     * @param compressedBytes the compressed bytes read so far, counted on the thread that reads this stream
     *        (it may run ahead of the inflater by a buffer, which only makes the ratio look smaller)
     */
    ExpansionGuard(InputStream inflating, LongSupplier compressedBytes, long maxBytes) {
        super(inflating);
        this.compressedBytes = compressedBytes;
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws ExpansionException {
        expanded += n;
        if (expanded > maxBytes) {
            throw new ExpansionException("the file expands beyond the limit of " + maxBytes + " bytes when uncompressed;"
                    + " split it into smaller datasets");
        }
        if (expanded > RATIO_FLOOR && expanded > MAX_RATIO * Math.max(1, compressedBytes.getAsLong())) {
            throw new ExpansionException("the file expands more than " + MAX_RATIO + "-fold when uncompressed (" + expanded
                    + " bytes from " + compressedBytes.getAsLong() + " compressed ones), which no real dataset does;"
                    + " upload it uncompressed, or compress the original data again");
        }
    }
}
