package io.finetune.dataset.service;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * The validation benchmark of dev/bench-dataset (not a test): uploads a generated CSV of N MiB to the
 * store, then reads it back bare and validates it, alternately, and prints the throughput ratio
 * (goal >= 0.7) and the heap high-water mark of the validation (goal < 256 MB for 2 GiB). It prints
 * the machine it ran on first: both figures depend on it, and on what else runs there (load average).
 */
public final class ValidationBench {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ValidationBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 2048;
        String endpoint = System.getenv().getOrDefault("S3_ENDPOINT", "http://127.0.0.1:29000");
        MinioClient minio = MinioClient.builder().endpoint(endpoint).region("us-east-1")
                .credentials(System.getenv().getOrDefault("S3_ACCESS_KEY", "platform-access"),
                        System.getenv().getOrDefault("S3_SECRET_KEY", "platform-secret-key"))
                .build();
        String bucket = "bench-datasets";
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        printMachine(endpoint);
        String key = "bench-" + UUID.randomUUID() + "/data";
        try (InputStream csv = new DatasetValidatorHeapTest.GeneratedCsv(mib * 1024 * 1024)) {
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(csv, -1, 64L * 1024 * 1024).build());
        }
        try {
            double bestRead = 0;
            double bestValidate = 0;
            // CPU of this JVM per byte (all its threads): what the machine's other load does not change much
            double readCpu = Double.MAX_VALUE;
            double validateCpu = Double.MAX_VALUE;
            long peak = 0;
            Validation result = null;
            for (int round = 0; round < 2; round++) {
                long start = System.nanoTime();
                long cpu = OS.getProcessCpuTime();
                long bytes;
                try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                    bytes = in.transferTo(OutputStream.nullOutputStream());
                }
                bestRead = Math.max(bestRead, bytes / 1e6 / ((System.nanoTime() - start) / 1e9));
                readCpu = Math.min(readCpu, (OS.getProcessCpuTime() - cpu) / (double) bytes);

                System.gc();
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                start = System.nanoTime();
                cpu = OS.getProcessCpuTime();
                try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                    result = new DatasetValidator(DatasetValidatorTest.MAX_BYTES).validate(in);
                }
                bestValidate = Math.max(bestValidate, result.bytes() / 1e6 / ((System.nanoTime() - start) / 1e9));
                validateCpu = Math.min(validateCpu, (OS.getProcessCpuTime() - cpu) / (double) result.bytes());
                peak = Math.max(peak, ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum());
            }
            System.out.printf(Locale.ROOT, "file: %d MiB, %d rows, valid %s%n", mib, result.rows(), result.valid());
            double ratio = bestValidate / bestRead;
            System.out.printf(Locale.ROOT, "[bench] dataset.validation-MBps %.1f baseline(bare-read) %.1f ratio %.2f goal >= 0.70: %s%n",
                    bestValidate, bestRead, ratio, ratio >= 0.7 ? "met" : "MISSED");
            System.out.println("ratio = validation throughput / bare-read throughput of the same object from the same store,"
                    + " measured alternately in this run, best of 2 each (1.0: validating, hashing and counting cost nothing beyond the read)");
            System.out.printf(Locale.ROOT, "[bench] dataset.validation-heap-high-water-MB %.1f goal < 256: %s (sum of heap pool peaks; max heap %d MB)%n",
                    peak / 1e6, peak < 256e6 ? "met" : "MISSED", Runtime.getRuntime().maxMemory() / 1_000_000);
            System.out.printf(Locale.ROOT, "[bench] dataset.validation-cpu-ns-per-byte %.2f baseline(bare-read) %.2f (this JVM's CPU, all"
                    + " threads, least of 2; the store's own CPU not counted: a figure the machine's other load moves less)%n",
                    validateCpu, readCpu);
        } finally {
            minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        }
    }

    private static void printMachine(String endpoint) throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String cpu = Files.isReadable(cpuinfo) ? Files.readAllLines(cpuinfo).stream()
                .filter(line -> line.startsWith("model name")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown CPU") : "unknown CPU";
        System.out.printf(Locale.ROOT, "machine: %s, %d cores, %s %s, Java %s, load average %.2f; store %s%n",
                cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), endpoint);
    }
}
