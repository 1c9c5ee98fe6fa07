package io.finetune.e2e.load;

import io.finetune.e2e.Csv;
import io.finetune.e2e.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Burst load from a second process on loopback (issue 10): simulated users, each creating uploads,
 * submitting jobs and polling the job list as the web UI does, for a bounded time; then a burst on
 * the list endpoint at ten times the rate the users polled it. Prints requests, errors by status and
 * p50/p99 per endpoint, next to the list's latency on the idle platform (the baseline, same run).
 *
 * <pre>java ... BurstLoad [gateway URL]   (without one it starts a Platform on the test infrastructure)</pre>
 *
 * Settings (system properties): load.users (100), load.seconds (60), load.burst-seconds (10),
 * load.think-ms (2000: mean pause between a user's requests; the web UI polls the list every 2 s when its
 * event stream is down, and not at all while it is up), load.warmup-seconds (30: the same workload first,
 * not measured, so that the figures are those of running services rather than of their JIT compilers).
 */
public final class BurstLoad {

    private static final int USERS = Integer.getInteger("load.users", 100);
    private static final int SECONDS = Integer.getInteger("load.seconds", 60);
    private static final int BURST_SECONDS = Integer.getInteger("load.burst-seconds", 10);
    private static final int THINK_MS = Integer.getInteger("load.think-ms", 2000);
    private static final int WARMUP_SECONDS = Integer.getInteger("load.warmup-seconds", 30);
    /** A hard cap on what the burst sends, whatever the measured rate. */
    private static final int MAX_BURST_REQUESTS = 30_000;
    private static final long LIST_P99_GOAL_MS = 100;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    /** phase -> endpoint -> samples */
    private final Map<String, Map<String, Samples>> results = new ConcurrentHashMap<>();
    /** Requests that got no answer (status -1 in the table), by exception. */
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    /** phase -> when its users started (System.nanoTime) */
    private final Map<String, Long> phaseStart = new ConcurrentHashMap<>();

    private final List<SimulatedUser> users = new ArrayList<>();
    private final byte[] csv = Csv.blobs(60, 3, 2, 11).getBytes(StandardCharsets.UTF_8);

    private BurstLoad(String base) {
        this.base = base;
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int u = 0; u < USERS; u++) {
            users.add(new SimulatedUser("load-" + run + "-" + u));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            new BurstLoad(args[0]).run();
            return;
        }
        System.out.println("[load] starting a Platform on the test infrastructure (dev/infra start test)");
        try (Platform platform = new Platform()) {
            new BurstLoad(platform.gatewayUrl()).run();
        }
    }

    private void run() throws Exception {
        System.out.printf("[load] %s: %d users for %d s (think %d ms, after %d s of warm-up), then a %d s burst on the job list; %d cores%n",
                base, USERS, SECONDS, THINK_MS, WARMUP_SECONDS, BURST_SECONDS, Runtime.getRuntime().availableProcessors());
        users("warmup", WARMUP_SECONDS);
        pause(5_000); // the warm-up's cancelled jobs settle
        baseline();
        double listRate = users("steady", SECONDS);
        burst(listRate * 10);
        report();
    }

    /**
     * The list on the idle platform, one request at a time: the latency the loaded figures compare to.
     * Paced under the gateway's per-user rate limit (20/s), which one fast user would otherwise meet.
     */
    private void baseline() {
        String user = "load-idle-" + UUID.randomUUID();
        for (int i = 0; i < 200; i++) {
            call("baseline", "GET /jobs", user, "GET", "/api/v1/jobs", null);
            pause(60);
        }
    }

    /**
     * The {@link #USERS} users for {@code seconds}, recorded under {@code phase}; answers the rate of list
     * requests. The same users go on from phase to phase, with their datasets: they arrive (and upload
     * at once) in the warm-up, so the steady phase measures users who are busy, not a hundred arriving.
     */
    private double users(String phase, int seconds) throws InterruptedException {
        if (seconds <= 0) {
            return 0;
        }
        ExecutorService pool = Executors.newFixedThreadPool(USERS);
        System.out.printf("[load] %s from %s%n", phase, LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
        phaseStart.put(phase, System.nanoTime());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(USERS);
        for (SimulatedUser user : users) {
            pool.execute(() -> {
                try {
                    simulateUser(phase, user, end);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        pool.shutdown();
        Samples list = results.get(phase).get("GET /jobs");
        return list.count() / (double) seconds;
    }

    /** One user, across phases. */
    private static final class SimulatedUser {
        final String name;
        /** The dataset the user's jobs train on; null until an upload of theirs was validated. */
        String dataset;
        /** Numbers the user's dataset and job names, which are unique per user. */
        int iteration;

        SimulatedUser(String name) {
            this.name = name;
        }
    }

    /**
     * What the web UI does: an upload, a job or two on it, and the job list every so often; cancels the
     * jobs it started when the phase ends, so that the platform is idle between phases.
     */
    private void simulateUser(String phase, SimulatedUser user, long end) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        pause(random.nextInt(THINK_MS * 2 + 1)); // users do not act in lockstep
        List<String> jobs = new ArrayList<>();
        while (System.nanoTime() < end) {
            int iteration = ++user.iteration;
            if (user.dataset == null || random.nextInt(40) == 0) {
                String uploaded = upload(phase, user.name, "data-" + iteration);
                user.dataset = uploaded != null ? uploaded : user.dataset;
            } else if (jobs.size() < 2 && random.nextInt(10) == 0) {
                HttpResponse<String> job = call(phase, "POST /jobs", user.name, "POST", "/api/v1/jobs",
                        "{\"name\":\"job-" + iteration + "\",\"datasetId\":\"" + user.dataset + "\",\"epochs\":1}");
                idOf(job).ifPresent(jobs::add);
            } else {
                call(phase, "GET /jobs", user.name, "GET", "/api/v1/jobs", null);
            }
            pause(random.nextInt(THINK_MS * 2 + 1));
        }
        for (String job : jobs) {
            call(phase, "POST /jobs/{id}/cancel", user.name, "POST", "/api/v1/jobs/" + job + "/cancel", null);
        }
    }

    private String upload(String phase, String user, String name) {
        HttpResponse<String> created = call(phase, "POST /datasets", user, "POST", "/api/v1/datasets",
                "{\"name\":\"" + name + "\",\"upload\":\"single\"}");
        if (created == null || created.statusCode() != 201) {
            return null;
        }
        Matcher url = Pattern.compile("\"uploadUrl\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
        String id = idOf(created).orElse(null);
        if (!url.find() || id == null) {
            return null;
        }
        long start = System.nanoTime();
        try {
            HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(url.group(1).replace("\\u0026", "&")))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(csv)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
            sample(phase, "PUT presigned (store)", put.statusCode(), start);
        } catch (Exception e) {
            failed(e);
            sample(phase, "PUT presigned (store)", -1, start);
            return null;
        }
        HttpResponse<String> complete = call(phase, "POST /datasets/{id}/complete", user, "POST",
                "/api/v1/datasets/" + id + "/complete", null);
        return complete != null && complete.statusCode() == 200 && complete.body().contains("\"validated\"") ? id : null;
    }

    /** Open loop: list requests sent at {@code rate} per second whatever the answers take, spread over the users. */
    private void burst(double rate) throws InterruptedException {
        int total = (int) Math.min(MAX_BURST_REQUESTS, Math.max(1, rate * BURST_SECONDS));
        long intervalNanos = TimeUnit.SECONDS.toNanos(BURST_SECONDS) / total;
        System.out.printf("[load] burst: %d list requests in %d s (%.0f/s, 10x the steady %.0f/s)%n", total, BURST_SECONDS,
                total / (double) BURST_SECONDS, rate / 10, rate / 10);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add("load-burst-" + u + "-" + UUID.randomUUID().toString().substring(0, 8));
        }
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long sent = System.nanoTime();
            HttpRequest request = request(users.get(i % users.size()), "GET", "/api/v1/jobs", null);
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null) {
                    failed(e);
                }
                sample("burst", "GET /jobs", e != null ? -1 : r.statusCode(), sent);
                done.countDown();
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            System.out.printf("[load] %d burst requests got no answer within 60 s%n", done.getCount());
        }
    }

    private HttpResponse<String> call(String phase, String endpoint, String user, String method, String path, String json) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(request(user, method, path, json), HttpResponse.BodyHandlers.ofString());
            sample(phase, endpoint, r.statusCode(), start);
            return r;
        } catch (Exception e) {
            failed(e);
            sample(phase, endpoint, -1, start);
            return null;
        }
    }

    private HttpRequest request(String user, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("X-User", user);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private void sample(String phase, String endpoint, int status, long startNanos) {
        results.computeIfAbsent(phase, p -> new ConcurrentHashMap<>()).computeIfAbsent(endpoint, e -> new Samples())
                .add(status, startNanos, System.nanoTime() - startNanos);
    }

    private void failed(Throwable e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        failures.computeIfAbsent(cause.getClass().getSimpleName() + ": " + cause.getMessage(), k -> new AtomicLong()).incrementAndGet();
    }

    private static java.util.Optional<String> idOf(HttpResponse<String> r) {
        if (r == null || r.statusCode() >= 300) {
            return java.util.Optional.empty();
        }
        Matcher m = ID.matcher(r.body());
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private void report() {
        System.out.println();
        System.out.printf("%-8s %-30s %8s %9s %9s  %s%n", "phase", "endpoint", "requests", "p50 ms", "p99 ms", "statuses");
        long fiveHundreds = 0;
        long steady429 = 0;
        for (String phase : List.of("warmup", "baseline", "steady", "burst")) {
            for (var e : new TreeMap<>(results.getOrDefault(phase, Map.of())).entrySet()) {
                Samples s = e.getValue();
                System.out.printf(Locale.ROOT, "%-8s %-30s %8d %9.1f %9.1f  %s%n", phase, e.getKey(), s.count(), s.percentile(50),
                        s.percentile(99), s.statuses());
                fiveHundreds += s.statuses().entrySet().stream().filter(x -> x.getKey() >= 500 || x.getKey() < 0)
                        .mapToLong(Map.Entry::getValue).sum();
                if (phase.equals("baseline") || phase.equals("steady")) {
                    steady429 += s.statuses().getOrDefault(429, 0L);
                }
            }
        }
        failures.forEach((cause, n) -> System.out.printf("[load] no answer (%d): %s%n", n.get(), cause));
        double idle = results.get("baseline").get("GET /jobs").percentile(99);
        double loaded = results.get("steady").get("GET /jobs").percentile(99);
        System.out.println();
        System.out.printf(Locale.ROOT, "[bench] load.list-p99-steady-ms %.1f baseline(idle) %.1f ratio %.2f goal < %d: %s%n", loaded, idle,
                loaded / idle, LIST_P99_GOAL_MS, loaded < LIST_P99_GOAL_MS ? "met" : "MISSED");
        System.out.printf("[bench] load.5xx-and-failed %d goal 0: %s%n", fiveHundreds, fiveHundreds == 0 ? "met" : "MISSED");
        System.out.printf("[bench] load.429-outside-burst %d goal 0: %s%n", steady429, steady429 == 0 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "[load] list p99 per 10 s of the steady phase (ms): %s%n",
                results.get("steady").get("GET /jobs").p99ByWindow(phaseStart.get("steady"), TimeUnit.SECONDS.toNanos(10)).stream()
                        .map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
        Samples burst = results.get("burst").get("GET /jobs");
        System.out.printf(Locale.ROOT, "[bench] load.burst-list %d requests, 429 %d (designed: per-user rate limit and in-flight cap), p99 %.1f ms%n",
                burst.count(), burst.statuses().getOrDefault(429, 0L), burst.percentile(99));
    }

    /** Latencies and statuses of one endpoint in one phase. */
    private static final class Samples {
        private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        /** When each request of {@link #nanos} was sent, in the same order. */
        private final List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();

        void add(int status, long startNanos, long latencyNanos) {
            synchronized (nanos) {
                starts.add(startNanos);
                nanos.add(latencyNanos);
            }
            statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        }

        int count() {
            return nanos.size();
        }

        double percentile(int p) {
            synchronized (nanos) {
                return percentile(nanos, p);
            }
        }

        /** The p99 of the requests sent in each {@code window} from {@code from} on, in order. */
        List<Double> p99ByWindow(long from, long windowNanos) {
            Map<Long, List<Long>> windows = new TreeMap<>();
            synchronized (nanos) {
                for (int i = 0; i < nanos.size(); i++) {
                    windows.computeIfAbsent((starts.get(i) - from) / windowNanos, w -> new ArrayList<>()).add(nanos.get(i));
                }
            }
            return windows.values().stream().map(w -> percentile(w, 99)).toList();
        }

        private static double percentile(List<Long> latencies, int p) {
            List<Long> sorted = new ArrayList<>(latencies);
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, index)) / 1e6;
        }

        Map<Integer, Long> statuses() {
            Map<Integer, Long> out = new TreeMap<>();
            statuses.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
