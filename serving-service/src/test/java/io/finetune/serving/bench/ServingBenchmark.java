package io.finetune.serving.bench;

import static io.finetune.serving.support.Predictions.SETOSA;
import static io.finetune.serving.support.Predictions.predict;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.TrainedModel;
import io.finetune.serving.service.ArtifactStore;
import io.finetune.serving.support.TestModels;
import io.finetune.serving.support.TestTopic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * dev/bench-serving: single-input predictions at 32 concurrent callers through the service (HTTP,
 * routing, reference counting, JSON) next to the same model called in this process (the same
 * artifact through the recipes' ModelLoader), and the time from a {@code models.events} message to
 * the first prediction answered by the new version. The service runs in this JVM (a @QuarkusTest on a
 * topic of its own), so both paths share the same cores; clients compete with the server for them.
 * Not a test: Surefire's default includes leave it out unless {@code -Dtest=ServingBenchmark}.
 */
@QuarkusTest
@QuarkusTestResource(value = TestTopic.class, restrictToAnnotatedClass = false)
class ServingBenchmark {

    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
    private static final long SECONDS = Long.getLong("bench.seconds", 10);
    private static final int SWAPS = Integer.getInteger("bench.swaps", 5);
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    @Inject
    TestModels models;

    @Inject
    ArtifactStore store;

    @Inject
    ModelLoader loader;

    @Inject
    MeterRegistry metrics;

    @Inject
    ObjectMapper json;

    @Test
    void bench() throws Exception {
        String owner = "bench-" + UUID.randomUUID();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        TestModels.Trained trained = models.trained(1);
        HttpRequest request = compare(http, owner, "tabular", trained, SETOSA);
        compare(http, owner, "text", models.trainedText(), Map.of("text", "the delivery was excellent"));

        // The swap: from the event to the first answer of the new version, a client predicting all along
        List<Double> swaps = new ArrayList<>();
        for (int version = 2; version <= SWAPS + 1; version++) {
            String next = models.upload(trained);
            long sent = System.nanoTime();
            models.publish(owner, "tabular", version, next, trained.schema());
            while (true) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                Matcher m = VERSION.matcher(response.body());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("a request failed during the swap: " + response.statusCode() + " " + response.body());
                }
                if (m.find() && Integer.parseInt(m.group(1)) == version) {
                    break;
                }
            }
            swaps.add((System.nanoTime() - sent) / 1e9);
        }
        double[] sorted = swaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "[bench] tabular models.events message -> first prediction by the new version (%d swaps, "
                        + "no failed request): median %.2f s, max %.2f s (goal < 5 s: %s)%n", sorted.length,
                sorted[sorted.length / 2], sorted[sorted.length - 1], sorted[sorted.length - 1] < 5 ? "met" : "missed");
    }

    /** One model: in-process, then through the service; returns the service request used. */
    private HttpRequest compare(HttpClient http, String owner, String name, TestModels.Trained trained, Map<String, Object> input)
            throws Exception {
        String artifact = models.upload(trained);
        models.publish(owner, name, 1, artifact, trained.schema());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                predict(owner, name, null, List.of(input)).statusCode() == 200);

        Path dir = Files.createTempDirectory("bench-in-process-");
        store.download(artifact, dir);
        Figures inProcess;
        try (TrainedModel model = loader.load(dir)) {
            inProcess = run(() -> model.predict(List.of(input)));
        }

        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/models/" + name + "/predict"))
                .header("X-Owner", owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("inputs", List.of(input))))).build();
        double[] serverBefore = serverSide();
        Figures service = run(() -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(response.statusCode() + " " + response.body());
            }
            return response;
        });
        double[] serverAfter = serverSide();
        print(name, "in-process", inProcess);
        print(name, "service   ", service);
        System.out.printf(Locale.ROOT, "[bench] %s service/in-process: p50 x%.1f, p99 x%.1f, throughput x%.2f; inside the server "
                        + "(http_server_requests, warm-up included) %.3f ms per request, the rest is the HTTP client and queueing%n",
                name, service.p50 / inProcess.p50, service.p99 / inProcess.p99, service.throughput() / inProcess.throughput(),
                (serverAfter[1] - serverBefore[1]) / Math.max(1, serverAfter[0] - serverBefore[0]));
        return request;
    }

    /** Requests and their total time in ms that the server measured for the predict endpoint. */
    private double[] serverSide() {
        double count = 0;
        double millis = 0;
        // the server's timer has no model tag: each model's window is measured alone
        for (Timer timer : metrics.find("http.server.requests").tag("uri", "/models/{name}/predict").timers()) {
            count += timer.count();
            millis += timer.totalTime(TimeUnit.MILLISECONDS);
        }
        return new double[] {count, millis};
    }

    private record Figures(long calls, double seconds, double p50, double p99) {
        double throughput() {
            return calls / seconds;
        }
    }

    private static void print(String model, String path, Figures f) {
        System.out.printf(Locale.ROOT, "[bench] %s %s single input, %d concurrent: p50 %.3f ms, p99 %.3f ms, %.0f predictions/s%n",
                model, path, CONCURRENCY, f.p50, f.p99, f.throughput());
    }

    /** {@code CONCURRENCY} callers in a loop: 2 s of warm-up, then {@code SECONDS} measured. */
    private static Figures run(Callable<?> call) throws Exception {
        measure(call, 2);
        return measure(call, SECONDS);
    }

    private static Figures measure(Callable<?> call, long seconds) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < CONCURRENCY; c++) {
            results.add(callers.submit(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    call.call();
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - t;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> r : results) {
            all.add(r.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        callers.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Figures(merged.length, elapsed, merged[merged.length / 2] / 1e6, merged[(int) (merged.length * 0.99)] / 1e6);
    }
}
