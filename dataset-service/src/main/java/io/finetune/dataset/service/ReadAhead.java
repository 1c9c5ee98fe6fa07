package io.finetune.dataset.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on its own thread, a few fixed blocks ahead of the reader: reading the store (and
 * hashing what it reads, in the stream given) overlaps with checking the rows, so validation runs about
 * as fast as the slower of the two rather than their sum. Memory: {@value #BLOCKS} blocks of
 * {@value #BLOCK} bytes, reused. The source's failures reach the reader as they were thrown.
 */
final class ReadAhead extends InputStream {

    /**
     * 1 MiB: each block handed over costs both threads a lock and, on a busy machine, often a wake-up;
     * with 256 KiB blocks the bench measured about a quarter more CPU per byte (dataset-service README).
     */
    private static final int BLOCK = 1024 * 1024;
    private static final int BLOCKS = 4;

    /** A block read, the end of the source (length -1), or the source's failure. */
    private record Filled(byte[] bytes, int length, IOException failure) {
    }

    private static final Filled END = new Filled(null, -1, null);

    private final InputStream source;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BLOCKS);
    private final BlockingQueue<Filled> filled = new ArrayBlockingQueue<>(BLOCKS + 1);
    private final Thread thread;
    private Filled current;
    private int position;
    private boolean ended;
    /** The source's failure, once met: thrown again on every later read. */
    private IOException failure;
    /** The bytes handed to the reader so far. */
    private long consumed;

    ReadAhead(InputStream source) {
        this.source = source;
        for (int i = 0; i < BLOCKS; i++) {
            free.add(new byte[BLOCK]);
        }
        thread = new Thread(this::fetch, "dataset-read-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    private void fetch() {
        try {
            try {
                while (true) {
                    byte[] block = free.take();
                    int n = source.readNBytes(block, 0, BLOCK);
                    if (n > 0) {
                        filled.put(new Filled(block, n, null));
                    }
                    if (n < BLOCK) {
                        filled.put(END);
                        return;
                    }
                }
            } catch (IOException e) {
                filled.put(new Filled(null, -1, e));
            }
        } catch (InterruptedException e) {
            // closed: the reader wants no more
        }
    }

    /** The bytes handed out so far. */
    long consumed() {
        return consumed;
    }

    @Override
    public int read() throws IOException {
        if (!hasBytes()) {
            return -1;
        }
        consumed++;
        return current.bytes[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!hasBytes()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current.bytes, position, b, off, n);
        position += n;
        consumed += n;
        return n;
    }

    /** The bytes of the current block not handed out yet (a gzip stream asks, to find a next member). */
    @Override
    public int available() {
        return current == null ? 0 : current.length - position;
    }

    /** Reads the rest of the source without handing it out (it is still hashed). */
    void drain() throws IOException {
        while (hasBytes()) {
            consumed += current.length - position;
            position = current.length;
        }
    }

    /** Whether the current block has bytes left, taking the next one when it has not; false at the end. */
    private boolean hasBytes() throws IOException {
        if (failure != null) {
            throw failure;
        }
        while (!ended && (current == null || position == current.length)) {
            if (current != null) {
                free.add(current.bytes);
                current = null;
            }
            Filled next;
            try {
                next = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the dataset");
            }
            if (next.failure != null) {
                failure = next.failure;
                throw failure;
            }
            if (next == END) {
                ended = true;
            } else {
                current = next;
                position = 0;
            }
        }
        return !ended;
    }

    /**
     * Stops the reading thread and waits for it, so that nothing reads the source any more (another
     * reader may take it over, e.g. to drain it); the source itself is the caller's to close.
     */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
