package io.finetune.dataset.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The validator's memory bound: a separate JVM with a 32 MiB heap validates a generated file of
 * {@value #FILE_MIB} MiB (five times its heap), streamed, never held whole; an OutOfMemoryError there
 * fails this test. The file is generated on the fly, so nothing is written to disk.
 */
class DatasetValidatorHeapTest {

    static final int FILE_MIB = 160;
    private static final String HEAP = "-Xmx32m";

    @Test
    void validatesAFileFiveTimesLargerThanItsHeap() throws Exception {
        Process fork = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(), HEAP,
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), HeapCheck.class.getName(),
                Integer.toString(FILE_MIB))
                .redirectErrorStream(true)
                .start();
        String output = new String(fork.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(fork.waitFor(120, TimeUnit.SECONDS), "the fork did not finish: " + output);
        assertEquals(0, fork.exitValue(), output);
        assertTrue(output.contains("valid=true"), output);
    }

    /** Runs in the forked JVM: validates {@code args[0]} MiB of generated CSV and prints what it found. */
    public static final class HeapCheck {

        public static void main(String[] args) throws IOException {
            long bytes = Long.parseLong(args[0]) * 1024 * 1024;
            Validation result = new DatasetValidator(DatasetValidatorTest.MAX_BYTES).validate(new GeneratedCsv(bytes));
            System.out.println("valid=" + result.valid() + " rows=" + result.rows() + " bytes=" + result.bytes()
                    + " heapMax=" + Runtime.getRuntime().maxMemory() + " problems=" + result.problems());
        }
    }

    /** A valid CSV of about {@code size} bytes, produced as it is read. */
    static final class GeneratedCsv extends InputStream {

        private final long size;
        private long produced;
        private long row;
        private byte[] line = "f1,f2,f3,label\n".getBytes(StandardCharsets.US_ASCII);
        private int at;

        GeneratedCsv(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == line.length) {
                if (produced >= size) {
                    return -1;
                }
                row++;
                line = (row % 997 + ".5," + (row % 13) + ",-" + row % 101 + "e-2," + List.of("a", "b", "c").get((int) (row % 3))
                        + "\n").getBytes(StandardCharsets.US_ASCII);
                at = 0;
            }
            int n = Math.min(len, line.length - at);
            System.arraycopy(line, at, b, off, n);
            at += n;
            produced += n;
            return n;
        }
    }

    /** Keeps the gzip path honest too: a compressed file streams through the same bounded reader. */
    @Test
    void gzipInputIsReadAsStreamToo() throws IOException {
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed); InputStream csv = new GeneratedCsv(4 * 1024 * 1024)) {
            csv.transferTo(gz);
        }
        Validation result = new DatasetValidator(DatasetValidatorTest.MAX_BYTES).validate(new java.io.ByteArrayInputStream(compressed.toByteArray()));
        assertTrue(result.valid(), () -> result.problems().toString());
        assertEquals("csv+gzip", result.format());
        assertEquals(compressed.size(), result.bytes());
        assertEquals(3, result.classCounts().size());
    }
}
