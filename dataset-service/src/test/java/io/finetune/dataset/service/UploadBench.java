package io.finetune.dataset.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.HashMultimap;
import io.minio.BucketExistsArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.http.Method;
import io.minio.messages.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The upload-path benchmark of dev/bench-dataset (not a test): the same file uploaded by the same
 * client (java.net.http, HTTP/1.1, the same part size and the same number of parts in flight) two ways,
 * alternately, best of 2 each:
 * <ul>
 * <li>through the platform's API: create the dataset, presign each part through the API as it goes
 * (as Uppy's signPart does), PUT the parts to the store, complete through the API (the service lists
 * the parts, checks the size, joins them and answers 202);</li>
 * <li>straight to the store: start a multipart upload, presign each part locally with the store's
 * credentials, PUT the parts, complete it.</li>
 * </ul>
 * Prints the throughput of both and their ratio (goal >= 0.95). Arguments: size in MiB, the API's base
 * URL (dataset-service; the user is named in X-Owner as the gateway does). The file is generated in
 * {@code target/} and deleted afterwards; the datasets and objects made are deleted too.
 */
public final class UploadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final int PARALLEL = Integer.getInteger("bench.parallel", 4);
    private static final String OWNER = "bench-" + UUID.randomUUID();

    private UploadBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 2048;
        String api = args.length > 1 ? args[1] : "http://127.0.0.1:8081";
        String endpoint = System.getenv().getOrDefault("S3_ENDPOINT", "http://127.0.0.1:29000");
        String access = System.getenv().getOrDefault("S3_ACCESS_KEY", "platform-access");
        String secret = System.getenv().getOrDefault("S3_SECRET_KEY", "platform-secret-key");
        MinioClient minio = MinioClient.builder().endpoint(endpoint).region("us-east-1").credentials(access, secret).build();
        MinioAsyncClient multipart = MinioAsyncClient.builder().endpoint(endpoint).region("us-east-1")
                .credentials(access, secret).build();
        String bucket = "bench-datasets";
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        Path file = Files.createTempFile(Path.of(System.getProperty("bench.dir", "target")), "upload-bench-", ".csv");
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            write(file, mib * 1024 * 1024);
            long size = Files.size(file);
            double bestApi = 0;
            double bestDirect = 0;
            long partSize = 0;
            int partCount = 0;
            for (int round = 0; round < 2; round++) {
                // through the API
                long start = System.nanoTime();
                JsonNode session = call("POST", api + "/datasets", Map.of("name", "upload bench " + UUID.randomUUID()
                        .toString().substring(0, 8), "size", size, "upload", "multipart"), 201);
                String id = session.path("id").asText();
                partSize = session.path("partSize").asLong();
                partCount = session.path("partCount").asInt();
                List<Part> parts = putParts(pool, file, partSize, partCount, n -> call("POST", api + "/datasets/" + id + "/parts",
                        Map.of("partNumbers", List.of(n)), 200).path("parts").path(0).path("url").asText());
                List<Map<String, Object>> named = parts.stream()
                        .map(p -> Map.<String, Object>of("partNumber", p.partNumber(), "etag", p.etag())).toList();
                JsonNode completed = call("POST", api + "/datasets/" + id + "/complete", Map.of("parts", named), -1);
                bestApi = Math.max(bestApi, size / 1e6 / ((System.nanoTime() - start) / 1e9));
                awaitOutcomeAndDelete(api, id, completed);

                // straight to the store
                String key = "upload-bench-" + UUID.randomUUID() + "/data";
                start = System.nanoTime();
                String uploadId = multipart.createMultipartUploadAsync(bucket, null, key, HashMultimap.create(), null)
                        .get().result().uploadId();
                List<Part> direct = putParts(pool, file, partSize, partCount, n -> presignPart(minio, bucket, key, uploadId, n));
                multipart.completeMultipartUploadAsync(bucket, null, key, uploadId, direct.toArray(Part[]::new), null, null).get();
                bestDirect = Math.max(bestDirect, size / 1e6 / ((System.nanoTime() - start) / 1e9));
                minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            }
            double ratio = bestApi / bestDirect;
            System.out.printf(Locale.ROOT, "[bench] dataset.upload file %d MiB, %d parts of %d MiB, %d in flight, client java.net.http"
                    + " (HTTP/1.1); load average %.2f%n", mib, partCount, partSize >> 20, PARALLEL,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf(Locale.ROOT, "[bench] dataset.upload-through-api-MBps %.1f baseline(straight-to-store) %.1f ratio %.2f"
                    + " goal >= 0.95: %s%n", bestApi, bestDirect, ratio, ratio >= 0.95 ? "met" : "MISSED");
        } finally {
            pool.shutdownNow();
            Files.deleteIfExists(file);
        }
    }

    /**
     * A valid CSV of at least {@code size} bytes: the header and 1 MiB of generated rows, then those rows
     * again (what the upload measures is bytes; repeated rows still validate).
     */
    private static void write(Path file, long size) throws IOException {
        byte[] first;
        try (InputStream csv = new DatasetValidatorHeapTest.GeneratedCsv(1 << 20)) {
            first = csv.readAllBytes();
        }
        int header = 0;
        while (first[header++] != '\n') {
            // the header line, written once
        }
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            out.write(first);
            for (long written = first.length; written < size; written += first.length - header) {
                out.write(first, header, first.length - header);
            }
        }
    }

    /** PUTs every part of the file to the URL {@code url} gives for it, {@link #PARALLEL} at a time; the parts with their ETags. */
    private static List<Part> putParts(ExecutorService pool, Path file, long partSize, int partCount,
            IntFunction<String> url) throws Exception {
        List<Future<Part>> puts = new ArrayList<>();
        long size = Files.size(file);
        for (int n = 1; n <= partCount; n++) {
            int number = n;
            long offset = (n - 1) * partSize;
            long length = Math.min(partSize, size - offset);
            puts.add(pool.submit(() -> {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url.apply(number)))
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> range(file, offset, length)),
                                length))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("PUT of part " + number + ": " + answer.statusCode() + " " + answer.body());
                }
                return new Part(number, answer.headers().firstValue("ETag").orElseThrow());
            }));
        }
        List<Part> parts = new ArrayList<>();
        for (Future<Part> put : puts) {
            parts.add(put.get());
        }
        return parts;
    }

    /** As dataset-service presigns a part (ObjectStore), here with the store's credentials at hand. */
    private static String presignPart(MinioClient minio, String bucket, String key, String uploadId, int partNumber) {
        try {
            return minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.PUT).bucket(bucket).object(key)
                    .expiry(900).extraQueryParams(Map.of("uploadId", uploadId, "partNumber", Integer.toString(partNumber))).build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot presign part " + partNumber, e);
        }
    }

    private static InputStream range(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
            return new java.io.BufferedInputStream(Channels.newInputStream(channel), 1 << 20) {
                private long left = length;

                @Override
                public synchronized int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Not timed: waits until the service has validated the file (it would otherwise compete for the CPU), then deletes it. */
    private static void awaitOutcomeAndDelete(String api, String id, JsonNode dataset) throws Exception {
        while ("validating".equals(dataset.path("status").asText())) {
            Thread.sleep(500);
            dataset = call("GET", api + "/datasets/" + id, null, 200);
        }
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/datasets/" + id))
                .header("X-Owner", OWNER).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (deleted.statusCode() != 204) {
            throw new IllegalStateException("DELETE " + id + ": " + deleted.statusCode() + " " + deleted.body());
        }
    }

    /** One API call as the user; {@code expected} -1 accepts any 2xx. */
    private static JsonNode call(String method, String url, Object body, int expected) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("X-Owner", OWNER)
                    .timeout(Duration.ofMinutes(5));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean ok = expected == -1 ? answer.statusCode() / 100 == 2 : answer.statusCode() == expected;
            if (!ok) {
                throw new IllegalStateException(method + " " + url + ": " + answer.statusCode() + " " + answer.body());
            }
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
