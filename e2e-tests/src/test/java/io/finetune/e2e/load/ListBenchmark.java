package io.finetune.e2e.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.e2e.Platform;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The job list of a user with 1,000 jobs under 100 concurrent connections (issue 7), from a second
 * process on loopback: throughput and p50/p99 of {@code GET /api/v1/jobs} next to the gateway's own
 * {@code /q/health/live} measured the same way in the same run (the ratio is what the API path costs:
 * identity, rate limit, the REST call to progress-service, its keyset query, JSON twice).
 *
 * <p>It starts progress-service and the gateway (packaged) on the test infrastructure with databases
 * of its own. The 1,000 jobs are the scheduler's own events published to {@code jobs.events}
 * (queued, then running, succeeded, failed or cancelled), so the list is progress-service's real view,
 * built by its projection; no training runs. The per-user rate limit (20/s by design) is raised for the
 * run: one user at 100 connections would otherwise measure the 429 path; any 429 is still counted.
 *
 * <pre>java ... ListBenchmark</pre>
 * Settings (system properties): bench.jobs (1000), bench.connections (100), bench.seconds (15 per phase),
 * bench.warmup-seconds (5).
 */
public final class ListBenchmark {

    private static final int JOBS = Integer.getInteger("bench.jobs", 1000);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 100);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 5);
    private static final double P99_GOAL_MS = 50;
    private static final String USER = "bench-list-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Path LOGS = Path.of("target", "bench-logs");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> processes = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        ListBenchmark bench = new ListBenchmark();
        try {
            bench.run();
        } finally {
            bench.stop();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        int progressPort = Platform.freePort();
        int gatewayPort = Platform.freePort();
        String run = "bench_" + UUID.randomUUID().toString().substring(0, 8);
        String database = run + "_progress";
        Platform.createDatabase(database);
        databases.add(database);
        start("progress-service", Platform.serviceEnv(progressPort, database), Map.of(
                // its own consumer groups: only this run's view, built from the broker's jobs.events
                "MP_MESSAGING_INCOMING_EVENTS_GROUP_ID", run + "-progress",
                "MP_MESSAGING_INCOMING_WEBHOOK_EVENTS_GROUP_ID", run + "-webhooks"));
        start("gateway-service", Platform.serviceEnv(gatewayPort, null), Map.of(
                "GATEWAY_AUTH_TRUST_USER_HEADER", "true",
                "GATEWAY_RATE_LIMIT_PER_SECOND", "1000000",
                "GATEWAY_RATE_LIMIT_BURST", "1000000",
                "QUARKUS_REST_CLIENT_PROGRESS_SERVICE_URL", "http://127.0.0.1:" + progressPort));
        awaitReady(progressPort);
        awaitReady(gatewayPort);
        String base = "http://127.0.0.1:" + gatewayPort;

        long seeded = System.nanoTime();
        seed();
        awaitListed(base);
        System.out.printf(Locale.ROOT, "[bench] list: %d jobs of %s in progress-service's view after %.1f s; %d connections, "
                + "%d s per phase after %d s warm-up; %d cores%n", JOBS, USER, (System.nanoTime() - seeded) / 1e9,
                CONNECTIONS, SECONDS, WARMUP_SECONDS, Runtime.getRuntime().availableProcessors());

        HttpRequest health = HttpRequest.newBuilder(URI.create(base + "/q/health/live")).timeout(Duration.ofSeconds(30)).build();
        HttpRequest list = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs")).header("X-User", USER)
                .timeout(Duration.ofSeconds(30)).build();
        Phase healthPhase = load("GET /q/health/live", health);
        Phase listPhase = load("GET /api/v1/jobs (first page, 100 of " + JOBS + ")", list);

        System.out.println();
        System.out.printf(Locale.ROOT, "%-42s %9s %10s %8s %8s  %s%n", "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "statuses");
        for (Phase p : List.of(healthPhase, listPhase)) {
            System.out.printf(Locale.ROOT, "%-42s %9d %10.0f %8.1f %8.1f  %s%n", p.name, p.count(), p.throughput(),
                    p.percentile(50), p.percentile(99), p.statuses);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "[bench] gateway.list-throughput %.0f req/s baseline(health) %.0f req/s ratio %.3f%n",
                listPhase.throughput(), healthPhase.throughput(), listPhase.throughput() / healthPhase.throughput());
        double p99 = listPhase.percentile(99);
        System.out.printf(Locale.ROOT, "[bench] gateway.list-p99-ms %.1f baseline(health p99) %.1f ratio %.1f goal < %.0f: %s%n",
                p99, healthPhase.percentile(99), p99 / healthPhase.percentile(99), P99_GOAL_MS, p99 < P99_GOAL_MS ? "met" : "MISSED");
        long errors = listPhase.statuses.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 429)
                .mapToLong(e -> e.getValue().get()).sum();
        long throttled = listPhase.statuses.getOrDefault(429, new AtomicLong()).get();
        System.out.printf("[bench] gateway.list-errors %d (429: %d, designed) goal 0: %s%n", errors, throttled,
                errors == 0 ? "met" : "MISSED");
    }

    /** The scheduler's transitions of {@value} jobs, as it publishes them (keyed by job, sequence per job). */
    private void seed() throws Exception {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        JobStatus[] ends = {JobStatus.SUCCEEDED, JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.RUNNING};
        Instant t0 = Instant.now().minus(Duration.ofDays(3));
        Map<String, Object> hyperparameters = Map.of("learningRate", 0.01, "batchSize", 32, "hiddenUnits", 64);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < JOBS; i++) {
                UUID job = UUID.randomUUID();
                UUID dataset = UUID.randomUUID();
                Instant queued = t0.plusSeconds(i * 60L);
                JobStatus end = ends[i % ends.length];
                List<JobEvent> events = new ArrayList<>();
                events.add(event(job, 1, JobStatus.QUEUED, queued, "queued", dataset, i, hyperparameters));
                events.add(event(job, 2, JobStatus.RUNNING, queued.plusSeconds(20), "running", dataset, i, hyperparameters));
                if (end != JobStatus.RUNNING) {
                    events.add(event(job, 3, end, queued.plusSeconds(50), end.wireName(), dataset, i, hyperparameters));
                }
                for (JobEvent e : events) {
                    producer.send(new ProducerRecord<>(Topics.JOBS_EVENTS, job.toString(), json.writeValueAsString(e)));
                }
            }
            producer.flush();
        }
    }

    private static JobEvent event(UUID job, long sequence, JobStatus status, Instant time, String reason, UUID dataset,
            int i, Map<String, Object> hyperparameters) {
        return new JobEvent(UUID.randomUUID(), JobEvent.typeFor(status), time, sequence, job, USER,
                String.format(Locale.ROOT, "bench-job-%04d", i), status, reason, dataset, "tabular-classification", 10,
                hyperparameters, 1, "production", "production");
    }

    /** Until every job is in the list, read through the gateway page by page as the web UI does. */
    private void awaitListed(String base) throws Exception {
        Pattern id = Pattern.compile("\"id\"\\s*:\\s*\"");
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            int seen = 0;
            String cursor = null;
            do {
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs?limit=500"
                        + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8))))
                        .header("X-User", USER).build(), HttpResponse.BodyHandlers.ofString());
                Matcher m = id.matcher(page.body());
                while (m.find()) {
                    seen++;
                }
                cursor = page.headers().firstValue("X-Next-Cursor").orElse(null);
            } while (cursor != null);
            if (seen >= JOBS) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + seen + " of " + JOBS + " jobs listed after 5 minutes");
            }
            Thread.sleep(500);
        }
    }

    /** {@link #CONNECTIONS} closed-loop clients, each one request at a time, for the warm-up and then the measurement. */
    private Phase load(String name, HttpRequest request) throws InterruptedException {
        Phase phase = new Phase(name);
        long start = System.nanoTime();
        long measureFrom = start + Duration.ofSeconds(WARMUP_SECONDS).toNanos();
        long end = measureFrom + Duration.ofSeconds(SECONDS).toNanos();
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        for (int c = 0; c < CONNECTIONS; c++) {
            Thread client = new Thread(() -> {
                long[] samples = new long[1 << 16];
                int n = 0;
                long now;
                while ((now = System.nanoTime()) < end) {
                    int status;
                    try {
                        status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    long took = System.nanoTime() - now;
                    if (now >= measureFrom) {
                        if (n == samples.length) {
                            samples = Arrays.copyOf(samples, n * 2);
                        }
                        samples[n++] = took;
                        phase.statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                    }
                }
                phase.add(Arrays.copyOf(samples, n));
                done.countDown();
            });
            client.setDaemon(true);
            client.start();
        }
        done.await();
        phase.seconds = SECONDS;
        return phase;
    }

    private static final class Phase {
        final String name;
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        private final List<long[]> parts = new ArrayList<>();
        private long[] sorted;
        double seconds;

        Phase(String name) {
            this.name = name;
        }

        synchronized void add(long[] samples) {
            parts.add(samples);
            sorted = null;
        }

        synchronized long count() {
            return parts.stream().mapToLong(p -> p.length).sum();
        }

        double throughput() {
            return count() / seconds;
        }

        synchronized double percentile(double p) {
            if (sorted == null) {
                sorted = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            }
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
            return sorted[Math.max(index, 0)] / 1e6;
        }

        @Override
        public String toString() {
            return name + " " + new TreeMap<>(statuses);
        }
    }

    private void start(String service, Map<String, String> env, Map<String, String> extra) throws IOException {
        Path jar = Path.of("..").toAbsolutePath().normalize().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first");
        }
        Files.createDirectories(LOGS);
        ProcessBuilder pb = new ProcessBuilder(Platform.command(jar))
                .redirectErrorStream(true).redirectOutput(LOGS.resolve(service + ".log").toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(extra);
        processes.add(pb.start());
    }

    private void awaitReady(int port) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline || processes.stream().anyMatch(p -> !p.isAlive())) {
                throw new IllegalStateException(ready + " not ready; see " + LOGS.toAbsolutePath());
            }
            Thread.sleep(250);
        }
    }

    private void stop() throws Exception {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        Platform.dropDatabases(databases);
    }
}
