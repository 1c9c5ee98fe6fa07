package io.finetune.e2e.faults;

import io.finetune.e2e.Platform;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.e2e.Csv;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The long fault suite (dev/faults, not in CI): real service processes on the test infrastructure,
 * killed with SIGKILL at the worst moments, and what must hold afterwards. Bounded in time: it stops
 * by itself after {@code faults.max-seconds} (default 900). Prints a table of what was tried and what held.
 *
 * <ul>
 * <li>a trainer killed mid-epoch: the job resumes on the other trainer and succeeds, each epoch once in the view;
 * <li>the scheduler killed right after submissions, at delays that fall between a job's state change and its
 *     dispatch: no job lost, none dispatched twice;
 * <li>progress-service killed, then its view rebuilt from the topics: the same rows as before.
 * </ul>
 */
public final class FaultRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_SECONDS = Long.getLong("faults.max-seconds", 900);
    private static final Path LOGS = Path.of("target", "fault-logs");
    private static final List<String[]> TABLE = new ArrayList<>();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Services services;
    private final String user = "faults-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> jobs = new ArrayList<>();

    private FaultRun(Services services) {
        this.services = services;
    }

    public static void main(String[] args) throws Exception {
        Instant started = Instant.now();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(MAX_SECONDS * 1000);
                System.out.println("[faults] time limit of " + MAX_SECONDS + " s reached: stopping");
                printTable();
                Runtime.getRuntime().halt(2);
            } catch (InterruptedException done) {
                // finished in time
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        if (Files.exists(LOGS)) {
            try (var old = Files.list(LOGS)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        System.out.println("[faults] starting the services (2 production trainers) on the test infrastructure");
        boolean allHeld;
        try (Services services = new Services(2)) {
            // a SIGINT/SIGTERM of dev/faults still stops what it started
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    services.close();
                } catch (Exception ignored) {
                    // best effort on the way out
                }
            }));
            FaultRun run = new FaultRun(services);
            run.attempt("trainer SIGKILL mid-epoch", run::killTrainerMidEpoch);
            run.attempt("scheduler SIGKILL between state change and dispatch", run::killSchedulerAroundDispatch);
            run.attempt("progress-service SIGKILL, view rebuilt from the topics", run::killProgressAndRebuild);
        } finally {
            watchdog.interrupt();
        }
        printTable();
        allHeld = TABLE.stream().allMatch(r -> r[2].equals("held"));
        System.out.printf("[faults] %d checks, %s, in %d s%n", TABLE.size(), allHeld ? "all held" : "SOME FAILED",
                Duration.between(started, Instant.now()).toSeconds());
        System.exit(allHeld ? 0 : 1);
    }

    interface Scenario {
        void run() throws Exception;
    }

    private void attempt(String fault, Scenario scenario) {
        System.out.println("[faults] " + fault);
        try {
            scenario.run();
        } catch (Exception | AssertionError e) {
            row(fault, "scenario ran to its end", false, String.valueOf(e.getMessage()));
        }
    }

    // ---- 1. trainer killed mid-epoch

    private void killTrainerMidEpoch() throws Exception {
        String fault = "trainer SIGKILL mid-epoch";
        String dataset = upload("kill-trainer", Csv.blobs(30_000, 6, 3, 21));
        int epochs = 8;
        String job = submit("kill-trainer", dataset, epochs, Map.of("batchSize", 16));
        JsonNode running = await(Duration.ofMinutes(4), "/api/v1/jobs/" + job,
                j -> j.path("status").asText().equals("running") && j.path("epoch").asInt() >= 2);
        Services.Service trainer = trainerRunning(job);
        int epochAtKill = running.path("epoch").asInt();
        services.kill(trainer);
        System.out.printf("[faults] killed %s while job %s was at epoch %d of %d%n", trainer.name, job, epochAtKill, epochs);
        JsonNode done = await(Duration.ofMinutes(6), "/api/v1/jobs/" + job,
                j -> List.of("succeeded", "failed", "cancelled").contains(j.path("status").asText()));
        row(fault, "the job succeeded after its trainer died", done.path("status").asText().equals("succeeded"),
                "status " + done.path("status").asText() + ", " + trainer.name + " killed at epoch " + epochAtKill);
        List<Integer> seen = new ArrayList<>();
        done.path("epochHistory").forEach(e -> seen.add(e.path("epoch").asInt()));
        row(fault, "epochs 1.." + epochs + " each once in the view", seen.equals(IntStream.rangeClosed(1, epochs).boxed().toList()),
                "epochHistory " + seen);
        Services.Service other = services.trainers().stream().filter(t -> t != trainer).findFirst().orElseThrow();
        java.util.regex.Matcher resumed = java.util.regex.Pattern.compile("Job " + job + " attempt (\\d+) resumes ([^\\n]*)")
                .matcher(log(other));
        boolean fromCheckpoint = resumed.find() && resumed.group(2).startsWith("after epoch");
        row(fault, "resumed on the other trainer from its last checkpoint", fromCheckpoint,
                fromCheckpoint ? other.name + ": attempt " + resumed.group(1) + " resumes " + resumed.group(2)
                        : other.name + " has no resume line for the job");
        services.restart(trainer);
    }

    private Services.Service trainerRunning(String job) throws IOException {
        for (Services.Service t : services.trainers()) {
            if (logMentions(t, job)) {
                return t;
            }
        }
        throw new AssertionError("no trainer log mentions job " + job);
    }

    private static boolean logMentions(Services.Service s, String text) {
        return log(s).contains(text);
    }

    private static String log(Services.Service s) {
        try {
            return Files.readString(LOGS.resolve(s.name + ".log"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    // ---- 2. scheduler killed between a job's state change and its dispatch

    private void killSchedulerAroundDispatch() throws Exception {
        String fault = "scheduler SIGKILL around dispatch";
        Map<TopicPartition, Long> dispatchStart = endOffsets("training.dispatch.production");
        Map<TopicPartition, Long> eventsStart = endOffsets("training.events");
        String dataset = upload("kill-scheduler", Csv.blobs(600, 4, 3, 5));
        List<String> submitted = new ArrayList<>();
        Services.Service scheduler = services.get("scheduler-service");
        for (long delay : List.of(0L, 700L, 1400L, 2100L)) {
            for (int i = 0; i < 2; i++) {
                submitted.add(submit("sched-" + delay + "-" + i, dataset, 2, Map.of()));
            }
            Thread.sleep(delay);
            services.kill(scheduler);
            System.out.printf("[faults] killed the scheduler %d ms after submitting 2 jobs%n", delay);
            services.restart(scheduler);
        }
        for (String job : submitted) {
            await(Duration.ofMinutes(5), "/api/v1/jobs/" + job, j -> List.of("succeeded", "failed", "cancelled")
                    .contains(j.path("status").asText()));
        }
        Map<String, Long> dispatches = countByJob(dispatchStart, submitted, r -> true);
        Map<String, Long> starts = countByJob(eventsStart, submitted, r -> r.path("type").asText().equals("training.started"));
        List<String> lost = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        int succeeded = 0;
        for (String job : submitted) {
            JsonNode j = get("/api/v1/jobs/" + job);
            if (j.path("status").asText().equals("succeeded")) {
                succeeded++;
            } else {
                lost.add(job + " " + j.path("status").asText());
            }
            if (dispatches.getOrDefault(job, 0L) != 1 || starts.getOrDefault(job, 0L) != 1) {
                twice.add(job + ": " + dispatches.getOrDefault(job, 0L) + " dispatches, " + starts.getOrDefault(job, 0L) + " starts");
            }
        }
        row(fault, submitted.size() + " jobs submitted around 4 kills: none lost", lost.isEmpty(),
                succeeded + " succeeded" + (lost.isEmpty() ? "" : ", not: " + lost));
        row(fault, "none dispatched or started twice", twice.isEmpty(), twice.isEmpty()
                ? "each job 1 dispatch, 1 training.started" : String.join("; ", twice));
        long inList = StreamSupport.count(get("/api/v1/jobs"), submitted);
        row(fault, "the list shows each job once", inList == submitted.size(), inList + " of " + submitted.size());
    }

    /** Records of my jobs on a topic since the given offsets, counted per job id. */
    private Map<String, Long> countByJob(Map<TopicPartition, Long> from, List<String> jobIds, Predicate<JsonNode> which) {
        Map<String, Long> counts = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(from.keySet());
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)
                    && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        JsonNode event = JSON.readTree(r.value());
                        String job = event.path("jobId").asText();
                        if (jobIds.contains(job) && which.test(event)) {
                            counts.merge(job, 1L, Long::sum);
                        }
                    } catch (IOException notAnEvent) {
                        // someone's poison record: not one of these jobs
                    }
                }
            }
        }
        return counts;
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    // ---- 3. progress-service killed and its view rebuilt

    private void killProgressAndRebuild() throws Exception {
        String fault = "progress-service SIGKILL + rebuild";
        Map<String, List<String>> before = viewRows();
        Services.Service progress = services.get("progress-service");
        services.kill(progress);
        services.restart(progress);
        HttpResponse<String> rebuilt = http.send(HttpRequest.newBuilder(URI.create(progress.url() + "/admin/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("[faults] rebuild: " + rebuilt.statusCode() + " " + rebuilt.body());
        Map<String, List<String>> after = viewRows();
        for (String table : before.keySet()) {
            List<String> missing = new ArrayList<>(before.get(table));
            missing.removeAll(after.get(table));
            List<String> extra = new ArrayList<>(after.get(table));
            extra.removeAll(before.get(table));
            row(fault, table + ": identical rows for this run's " + jobs.size() + " jobs", missing.isEmpty() && extra.isEmpty(),
                    before.get(table).size() + " rows before, " + after.get(table).size() + " after"
                            + (missing.isEmpty() ? "" : "; changed/missing " + abbreviate(missing))
                            + (extra.isEmpty() ? "" : "; new " + abbreviate(extra)));
        }
        JsonNode list = get("/api/v1/jobs");
        row(fault, "the API lists every job after the rebuild", StreamSupport.count(list, jobs) == jobs.size(),
                StreamSupport.count(list, jobs) + " of " + jobs.size());
    }

    /** The progress view's rows of this run's jobs, each row as text, per table. */
    private Map<String, List<String>> viewRows() throws Exception {
        String ids = jobs.stream().map(j -> "'" + j + "'").collect(Collectors.joining(","));
        Map<String, List<String>> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(services.jdbcUrl("progress-service"), "platform", "platform");
                Statement s = c.createStatement()) {
            for (String[] t : List.of(new String[] {"job_view", "id"}, new String[] {"epoch_history", "job_id"},
                    new String[] {"attempt_progress", "job_id"}, new String[] {"model_version_view", "job_id"})) {
                List<String> table = new ArrayList<>();
                try (ResultSet r = s.executeQuery("select * from " + t[0] + " where " + t[1] + "::text in (" + ids + ")")) {
                    ResultSetMetaData meta = r.getMetaData();
                    while (r.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.append(meta.getColumnName(i)).append('=').append(r.getString(i)).append(' ');
                        }
                        table.add(row.toString());
                    }
                }
                table.sort(null);
                rows.put(t[0], table);
            }
        }
        return rows;
    }

    // ---- the API

    private String upload(String name, String csv) throws Exception {
        JsonNode session = send("POST", "/api/v1/datasets", Map.of("name", name, "upload", "single"), 201);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(session.path("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString(csv)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new AssertionError("presigned PUT: " + put.statusCode() + " " + put.body());
        }
        JsonNode done = send("POST", "/api/v1/datasets/" + session.path("id").asText() + "/complete", null, 200);
        if (!done.path("status").asText().equals("validated")) {
            throw new AssertionError("dataset " + done);
        }
        return done.path("id").asText();
    }

    private String submit(String name, String dataset, int epochs, Map<String, Object> hyperparameters) throws Exception {
        String id = send("POST", "/api/v1/jobs", Map.of("name", name, "datasetId", dataset, "epochs", epochs,
                "hyperparameters", hyperparameters), 201).path("id").asText();
        jobs.add(id);
        return id;
    }

    private JsonNode get(String path) throws Exception {
        return send("GET", path, null, 200);
    }

    /** Sends and expects the status; a 503 while a service restarts is retried, as a client would after Retry-After. */
    private JsonNode send(String method, String path, Object body, int expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(services.get("gateway-service").url() + path))
                    .header("X-User", user).timeout(Duration.ofSeconds(60));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == expected) {
                return JSON.readTree(r.body());
            }
            if (r.statusCode() != 503 || Instant.now().isAfter(deadline)) {
                throw new AssertionError(method + " " + path + " -> " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(1000);
        }
    }

    private JsonNode await(Duration atMost, String path, Predicate<JsonNode> done) throws Exception {
        Instant deadline = Instant.now().plus(atMost);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                last = get(path);
                if (done.test(last)) {
                    return last;
                }
            } catch (AssertionError notYet) {
                // 404 until the view has the job
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(path + " not reached within " + atMost + "; last " + last);
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** Counts the list's entries that are among the given job ids. */
    private static final class StreamSupport {
        static long count(JsonNode list, List<String> ids) {
            long n = 0;
            for (JsonNode j : list) {
                if (ids.contains(j.path("id").asText())) {
                    n++;
                }
            }
            return n;
        }
    }

    private static void row(String fault, String check, boolean held, String detail) {
        TABLE.add(new String[] {fault, check, held ? "held" : "FAILED", detail});
        System.out.printf("[faults]   %s: %s (%s)%n", held ? "held" : "FAILED", check, detail);
    }

    private static String abbreviate(List<String> rows) {
        String s = String.join(" | ", rows);
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }

    private static synchronized void printTable() {
        System.out.println();
        System.out.printf("%-38s | %-55s | %-6s | %s%n", "fault", "what must hold", "result", "observed");
        for (String[] r : TABLE) {
            System.out.printf("%-38s | %-55s | %-6s | %s%n", r[0], r[1], r[2], r[3]);
        }
    }
}
