package io.finetune.e2e.faults;

import io.finetune.e2e.Platform;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.e2e.Csv;
import io.finetune.e2e.hostile.ServiceLogs;
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
 * by itself after {@code faults.max-seconds} (default 1500). Prints a table of what was tried and what held.
 *
 * <ul>
 * <li>a trainer killed mid-epoch: the job resumes on the other trainer and succeeds, each epoch once in the view;
 * <li>the scheduler killed right after submissions, at delays that fall between a job's state change and its
 *     dispatch: no job lost, none dispatched twice;
 * <li>the Kafka broker stopped and restarted while a job trains: the job succeeds with each epoch once, no
 *     service restarted, a job submitted afterwards trains;
 * <li>PostgreSQL restarted under API load: meanwhile only 503 + Retry-After, answered fast; afterwards every
 *     request succeeds and every row written is whole and visible;
 * <li>the object store down during a multipart upload and during training: a clear 503, the upload and the
 *     job go on once it is back, the stored dataset has the sent bytes' checksum;
 * <li>progress-service killed, then its view rebuilt from the topics: the same rows as before.
 * </ul>
 * The infrastructure faults stop and start parts of dev/infra's {@code faults} instance, never the shared test one.
 */
public final class FaultRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_SECONDS = Long.getLong("faults.max-seconds", 1500);
    private static final Path LOGS = Path.of("target", "fault-logs");
    private static final List<String[]> TABLE = new ArrayList<>();
    /** A subset of the scenarios by key (trainer, scheduler, kafka, postgres, s3, view, progress); all when empty. */
    private static final List<String> ONLY = List.of(System.getProperty("faults.only", "").split(",")).stream()
            .filter(k -> !k.isBlank()).toList();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Services services;
    private final String user = "faults-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> jobs = new ArrayList<>();
    /** Every error answer of the run (status and body), scanned for leaks at the end. */
    private final List<String> errorAnswers = java.util.Collections.synchronizedList(new ArrayList<>());

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
                // exit, not halt: the shutdown hook stops the service processes
                System.exit(2);
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
        System.out.printf("[faults] starting the services (2 production trainers) on the '%s' infrastructure (Kafka %s, PostgreSQL %s, S3 %s)%n",
                Infra.INSTANCE, Platform.KAFKA, Platform.POSTGRES, Platform.S3);
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
            run.attempt("kafka", "Kafka broker stopped and restarted mid-training", run::restartKafkaMidTraining);
            run.attempt("postgres", "PostgreSQL restarted under load", run::restartPostgresUnderLoad);
            run.attempt("s3", "object store down during an upload and a checkpoint", run::objectStoreDown);
            run.attempt("trainer", "trainer SIGKILL mid-epoch", run::killTrainerMidEpoch);
            run.attempt("scheduler", "scheduler SIGKILL between state change and dispatch", run::killSchedulerAroundDispatch);
            run.attempt("view", "the view matches the scheduler", run::viewMatchesScheduler);
            // last: the rebuilt view must equal the one the faults above left behind
            run.attempt("progress", "progress-service SIGKILL, view rebuilt from the topics", run::killProgressAndRebuild);
            run.attempt("secrets", "the run's logs and error answers", run::noLeaks);
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

    private void attempt(String key, String fault, Scenario scenario) {
        if (!ONLY.isEmpty() && !ONLY.contains(key)) {
            return;
        }
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
            // generous: on a loaded machine a short read counted real dispatches as missing
            Instant deadline = Instant.now().plusSeconds(180);
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

    // ---- 4. the Kafka broker stopped and started again while a job trains

    private static final int KAFKA_DOWN_SECONDS = 10;

    private void restartKafkaMidTraining() throws Exception {
        String fault = "Kafka broker stop + restart";
        String dataset = upload("kafka-outage", Csv.blobs(30_000, 6, 3, 22));
        // enough epochs that the broker stops while the job trains, however fast the machine trains
        // (6 epochs took 12 s once the services ran with C1 only, and the job was done before the stop)
        int epochs = 24;
        String job = submit("kafka-outage", dataset, epochs, Map.of("batchSize", 16));
        await(Duration.ofMinutes(4), "/api/v1/jobs/" + job,
                j -> j.path("status").asText().equals("running") && j.path("epoch").asInt() >= 2);
        Map<String, Integer> startsBefore = services.starts();
        Instant stopped = Instant.now();
        Infra.run("stop", "kafka");
        Thread.sleep(KAFKA_DOWN_SECONDS * 1000L);
        Infra.run("start", "kafka");
        long down = Duration.between(stopped, Instant.now()).toSeconds();
        System.out.printf("[faults] the broker was down for %d s while job %s trained%n", down, job);
        JsonNode done = await(Duration.ofMinutes(6), "/api/v1/jobs/" + job,
                j -> List.of("succeeded", "failed", "cancelled").contains(j.path("status").asText()));
        row(fault, "the job training through the outage succeeded", done.path("status").asText().equals("succeeded"),
                "status " + done.path("status").asText() + " after " + done.path("attempt").asText("?")
                        + " attempt(s), broker down " + down + " s");
        List<Integer> seen = new ArrayList<>();
        done.path("epochHistory").forEach(e -> seen.add(e.path("epoch").asInt()));
        row(fault, "epochs 1.." + epochs + " each once in the view (no event lost)",
                seen.equals(IntStream.rangeClosed(1, epochs).boxed().toList()), "epochHistory " + seen);
        String after = submit("after-kafka-outage", upload("after-kafka-outage", Csv.blobs(300, 4, 3, 23)), 1, Map.of());
        JsonNode afterDone = await(Duration.ofMinutes(4), "/api/v1/jobs/" + after,
                j -> List.of("succeeded", "failed", "cancelled").contains(j.path("status").asText()));
        Map<String, Integer> startsAfter = services.starts();
        row(fault, "services reconnected without a restart", startsAfter.equals(startsBefore)
                && afterDone.path("status").asText().equals("succeeded"),
                "process starts " + (startsAfter.equals(startsBefore) ? "unchanged" : startsBefore + " -> " + startsAfter)
                        + "; a dataset uploaded and a job submitted after the outage: " + afterDone.path("status").asText());
    }

    // ---- 5. PostgreSQL restarted under load

    private static final int POSTGRES_DOWN_SECONDS = 10;
    /** What "fail fast" means here: well below the gateway's 10 s read timeout and a client's patience. */
    private static final long FAST_MILLIS = 3000;

    /** One request of the load: what was asked, when, and what came back. */
    record Sample(String op, long startMs, long endMs, int status, String retryAfter, String contentType, String body,
            String name) {
    }

    private void restartPostgresUnderLoad() throws Exception {
        String fault = "PostgreSQL restart under load";
        String dataset = upload("pg-load", Csv.blobs(200, 4, 3, 24));
        List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger seq = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> load = new ArrayList<>();
        // three readers and writers of the views and datasets, one submitter of jobs (1-epoch jobs every 2 s)
        for (String op : List.of("GET /api/v1/jobs", "GET /api/v1/datasets", "POST /api/v1/datasets", "POST /api/v1/jobs")) {
            Thread t = new Thread(() -> {
                while (loading.get()) {
                    String name = "pg-" + seq.incrementAndGet();
                    Object body = switch (op) {
                        case "POST /api/v1/datasets" -> Map.of("name", name, "upload", "single");
                        case "POST /api/v1/jobs" -> Map.of("name", name, "datasetId", dataset, "epochs", 1);
                        default -> null;
                    };
                    samples.add(request(op, body, name));
                    try {
                        Thread.sleep(op.equals("POST /api/v1/jobs") ? 2000 : 100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            t.start();
            load.add(t);
        }
        Thread.sleep(5000);
        Map<String, Integer> startsBefore = services.starts();
        Infra.run("stop", "postgres");
        long downFrom = System.currentTimeMillis();
        Thread.sleep(POSTGRES_DOWN_SECONDS * 1000L);
        long downUntil = System.currentTimeMillis();
        Infra.run("start", "postgres");
        long upAgain = System.currentTimeMillis();
        Thread.sleep(20_000);
        loading.set(false);
        for (Thread t : load) {
            t.join(70_000);
        }
        List<Sample> during = samples.stream().filter(x -> x.startMs >= downFrom && x.endMs <= downUntil).toList();
        List<Sample> failedDuring = during.stream().filter(x -> x.status >= 300).toList();
        boolean all503 = !failedDuring.isEmpty() && failedDuring.stream().allMatch(x -> x.status == 503
                && x.retryAfter != null && x.contentType != null && x.contentType.startsWith("application/problem+json"));
        row(fault, "while down: 503 + Retry-After problem+json, nothing else", all503,
                during.size() + " requests while down: " + statuses(during) + ", Retry-After on "
                        + failedDuring.stream().filter(x -> x.retryAfter != null).count() + " of " + failedDuring.size()
                        + (all503 ? "" : "; e.g. " + failedDuring.stream().filter(x -> x.status != 503 || x.retryAfter == null)
                                .findFirst().map(x -> x.op + " " + x.status + " " + abbreviate(List.of(x.body))).orElse("-")));
        long slowest = failedDuring.stream().mapToLong(x -> x.endMs - x.startMs).max().orElse(0);
        long outageRequestsAnswered = samples.stream().filter(x -> x.startMs >= downFrom && x.startMs < downUntil).count();
        row(fault, "while down: failures answered within " + FAST_MILLIS + " ms", !failedDuring.isEmpty() && slowest <= FAST_MILLIS,
                "slowest 503 " + slowest + " ms; " + outageRequestsAnswered + " requests started while down");
        long settle = upAgain + 5000;
        List<Sample> later = samples.stream().filter(x -> x.startMs >= settle).toList();
        List<Sample> laterFailed = later.stream().filter(x -> x.status >= 300).toList();
        long firstOk = samples.stream().filter(x -> x.startMs >= upAgain && x.status < 300).mapToLong(x -> x.endMs - upAgain)
                .min().orElse(-1);
        Map<String, Integer> startsAfter = services.starts();
        row(fault, "5 s after the restart every request succeeds, no service restarted",
                !later.isEmpty() && laterFailed.isEmpty() && startsAfter.equals(startsBefore),
                later.size() + " requests: " + statuses(later) + "; first success " + firstOk + " ms after the start; process starts "
                        + (startsAfter.equals(startsBefore) ? "unchanged" : startsBefore + " -> " + startsAfter));
        // nothing half-written: every dataset and job of the load is either whole and visible, or absent
        Map<String, String> datasetsInDb = rowsByName("dataset-service", "select name, status from dataset where owner = ?");
        Map<String, String> jobsInDb = rowsByName("scheduler-service", "select name, status from job where owner = ?");
        List<String> problems = new ArrayList<>();
        int jobsCreated = 0;
        for (Sample x : samples) {
            if (!x.op.startsWith("POST")) {
                continue;
            }
            Map<String, String> db = x.op.equals("POST /api/v1/jobs") ? jobsInDb : datasetsInDb;
            if (x.status == 201 && !db.containsKey(x.name)) {
                problems.add(x.name + " answered 201 but is not stored");
            }
            if (x.op.equals("POST /api/v1/jobs") && db.containsKey(x.name)) {
                jobsCreated++;
                // a 503 whose job was stored all the same (the answer was lost, the write was not) counts too
                jobs.add(x.status == 201 ? JSON.readTree(x.body).path("id").asText() : jobIdByName(x.name));
            }
        }
        for (String name : datasetsInDb.keySet()) {
            JsonNode listed = find(get("/api/v1/datasets"), name);
            if (listed == null) {
                problems.add("dataset " + name + " is stored but not listed");
            }
        }
        List<String> loadJobs = jobs.subList(jobs.size() - jobsCreated, jobs.size());
        for (String job : loadJobs) {
            await(Duration.ofMinutes(5), "/api/v1/jobs/" + job, j -> List.of("succeeded", "failed", "cancelled").contains(j.path("status").asText()));
        }
        long succeeded = loadJobs.stream().filter(j -> {
            try {
                return get("/api/v1/jobs/" + j).path("status").asText().equals("succeeded");
            } catch (Exception e) {
                return false;
            }
        }).count();
        if (succeeded != loadJobs.size()) {
            problems.add((loadJobs.size() - succeeded) + " of " + loadJobs.size() + " stored jobs did not succeed");
        }
        long posts = samples.stream().filter(x -> x.op.startsWith("POST")).count();
        row(fault, "nothing half-written: each stored row whole and visible", problems.isEmpty(),
                posts + " creations tried, " + datasetsInDb.size() + " datasets and " + jobsInDb.size() + " jobs stored, "
                        + succeeded + " of those jobs succeeded" + (problems.isEmpty() ? "" : "; " + abbreviate(problems)));
    }

    private Sample request(String op, Object body, String name) {
        long start = System.currentTimeMillis();
        try {
            String[] parts = op.split(" ", 2);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(services.get("gateway-service").url() + parts[1]))
                    .header("X-User", user).timeout(Duration.ofSeconds(60));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(parts[0], body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 400) {
                errorAnswers.add(r.statusCode() + " " + r.body());
            }
            return new Sample(op, start, System.currentTimeMillis(), r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                    r.headers().firstValue("Content-Type").orElse(null), r.body(), name);
        } catch (Exception e) {
            return new Sample(op, start, System.currentTimeMillis(), 0, null, null, String.valueOf(e), name);
        }
    }

    private static String statuses(List<Sample> samples) {
        return new TreeMap<>(samples.stream().collect(Collectors.groupingBy(x -> x.status == 0 ? "no answer" : Integer.toString(x.status),
                Collectors.counting()))).toString();
    }

    /** name -> status of this run's user's rows in a service's database. */
    private Map<String, String> rowsByName(String service, String sql) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(services.jdbcUrl(service), "platform", "platform");
                var s = c.prepareStatement(sql)) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), r.getString(2));
                }
            }
        }
        return rows;
    }

    private String jobIdByName(String name) throws Exception {
        JsonNode listed = find(get("/api/v1/jobs"), name);
        if (listed != null) {
            return listed.path("id").asText();
        }
        try (Connection c = DriverManager.getConnection(services.jdbcUrl("scheduler-service"), "platform", "platform");
                var s = c.prepareStatement("select id from job where owner = ? and name = ?")) {
            s.setString(1, user);
            s.setString(2, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static JsonNode find(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        return null;
    }

    // ---- 6. the object store down during a multipart upload and during training

    private static final int STORE_DOWN_SECONDS = 15;

    private void objectStoreDown() throws Exception {
        String fault = "object store down";
        // an upload of two 5 MiB parts: part 1 stored, then the store goes away
        String csv = Csv.blobs(160_000, 6, 3, 25);
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        int partSize = 5 * 1024 * 1024;
        JsonNode session = send("POST", "/api/v1/datasets", Map.of("name", "store-outage", "size", bytes.length, "upload", "multipart"), 201);
        String id = session.path("id").asText();
        int partCount = session.path("partCount").asInt();
        JsonNode urls = send("POST", "/api/v1/datasets/" + id + "/parts",
                Map.of("partNumbers", IntStream.rangeClosed(1, partCount).boxed().toList()), 200).path("parts");
        putPart(urls.get(0).path("url").asText(), bytes, 0, partSize);
        Infra.run("stop", "s3");
        HttpResponse<String> completeWhileDown = raw("POST", "/api/v1/datasets/" + id + "/complete", null);
        boolean clear = completeWhileDown.statusCode() == 503 && completeWhileDown.headers().firstValue("Retry-After").isPresent()
                && completeWhileDown.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
        row(fault, "completing an upload while down: 503 + Retry-After problem", clear,
                completeWhileDown.statusCode() + " Retry-After " + completeWhileDown.headers().firstValue("Retry-After").orElse("none")
                        + " " + abbreviate(List.of(JSON.readTree(completeWhileDown.body()).path("title").asText(completeWhileDown.body()))));
        Infra.run("start", "s3");
        for (int part = 1; part < partCount; part++) {
            putPart(urls.get(part).path("url").asText(), bytes, part * partSize, Math.min(partSize, bytes.length - part * partSize));
        }
        JsonNode done = send("POST", "/api/v1/datasets/" + id + "/complete", null, 200);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        row(fault, "the upload resumed after the outage: validated, the sent bytes' checksum",
                done.path("status").asText().equals("validated") && sha.equals(done.path("sha256").asText())
                        && done.path("rows").asLong() == 160_000,
                done.path("status").asText() + ", " + done.path("rows").asText() + " rows, sha256 "
                        + (sha.equals(done.path("sha256").asText()) ? "equal" : done.path("sha256").asText() + " != " + sha));

        // a job whose trainer writes checkpoints while the store is away
        String dataset = upload("store-outage-train", Csv.blobs(30_000, 6, 3, 26));
        int epochs = 6;
        String job = submit("store-outage", dataset, epochs, Map.of("batchSize", 16));
        await(Duration.ofMinutes(4), "/api/v1/jobs/" + job,
                j -> j.path("status").asText().equals("running") && j.path("epoch").asInt() >= 1);
        Map<String, Integer> startsBefore = services.starts();
        Infra.run("stop", "s3");
        Thread.sleep(STORE_DOWN_SECONDS * 1000L);
        Infra.run("start", "s3");
        JsonNode trained = await(Duration.ofMinutes(6), "/api/v1/jobs/" + job,
                j -> List.of("succeeded", "failed", "cancelled").contains(j.path("status").asText()));
        List<Integer> seen = new ArrayList<>();
        trained.path("epochHistory").forEach(e -> seen.add(e.path("epoch").asInt()));
        row(fault, "a job training through the outage succeeded, epochs once each",
                trained.path("status").asText().equals("succeeded") && seen.equals(IntStream.rangeClosed(1, epochs).boxed().toList()),
                "status " + trained.path("status").asText() + " (" + trained.path("reason").asText("") + "), epochHistory " + seen
                        + ", store down " + STORE_DOWN_SECONDS + " s");
        List<String> corrupt = storedObjectProblems(job);
        row(fault, "no corrupt object: checkpoints whole, model files non-empty, no service restarted",
                corrupt.isEmpty() && services.starts().equals(startsBefore),
                (corrupt.isEmpty() ? "models/" + job + "/ checked" : abbreviate(corrupt)) + "; process starts "
                        + (services.starts().equals(startsBefore) ? "unchanged" : startsBefore + " -> " + services.starts()));
    }

    /**
     * What the store holds for a job, read from the fault instance's S3Proxy folder (its filesystem
     * backend keeps one file per object): a checkpoint folder without its completion marker, or an
     * empty model file, is a corrupt object.
     */
    private static List<String> storedObjectProblems(String job) throws IOException {
        Path root = Path.of("..", ".local", Infra.INSTANCE, "s3", "data", "models", job).toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return List.of(root + " does not exist");
        }
        Path checkpoints = root.resolve("checkpoints");
        if (Files.isDirectory(checkpoints)) {
            try (var epochs = Files.list(checkpoints)) {
                for (Path epoch : epochs.toList()) {
                    if (!Files.exists(epoch.resolve("_complete"))) {
                        problems.add("checkpoint " + epoch.getFileName() + " has no completion marker");
                    }
                }
            }
        }
        try (var files = Files.walk(root)) {
            List<Path> model = files.filter(Files::isRegularFile).filter(f -> f.toString().contains("/attempt-")).toList();
            if (model.isEmpty()) {
                problems.add("no model files below " + root);
            }
            for (Path f : model) {
                if (Files.size(f) == 0) {
                    problems.add(root.relativize(f) + " is empty");
                }
            }
        }
        return problems;
    }

    private void putPart(String url, byte[] bytes, int from, int length) throws Exception {
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes, from, length)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new AssertionError("part PUT: " + put.statusCode() + " " + put.body());
        }
    }

    private HttpResponse<String> raw(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(services.get("gateway-service").url() + path))
                .header("X-User", user).timeout(Duration.ofSeconds(180));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            errorAnswers.add(r.statusCode() + " " + r.body());
        }
        return r;
    }

    // ---- 8. no secret in the logs, no stack trace or secret in an error answer

    private void noLeaks() throws Exception {
        String fault = "the whole run";
        List<String> inLogs = ServiceLogs.secretsIn(LOGS);
        row(fault, "no secret in the service logs", inLogs.isEmpty(), ServiceLogs.logs(LOGS).size() + " logs scanned for the S3 secret key, "
                + "the database password and private keys: " + (inLogs.isEmpty() ? "none found" : abbreviate(inLogs)));
        List<String> leaking;
        synchronized (errorAnswers) {
            leaking = errorAnswers.stream().filter(ServiceLogs::leaks).toList();
        }
        row(fault, "no stack trace, class name or secret in an error answer", leaking.isEmpty(),
                errorAnswers.size() + " error answers scanned" + (leaking.isEmpty() ? ", none leaks" : "; " + abbreviate(leaking)));
    }

    // ---- 7. the view converges to the scheduler's state

    private void viewMatchesScheduler() throws Exception {
        String fault = "after the infrastructure faults";
        Map<String, String> scheduler = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(services.jdbcUrl("scheduler-service"), "platform", "platform");
                var s = c.prepareStatement("select id::text, status from job where owner = ?")) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    scheduler.put(r.getString(1), r.getString(2));
                }
            }
        }
        List<String> differ = new ArrayList<>();
        for (var e : scheduler.entrySet()) {
            JsonNode j = send("GET", "/api/v1/jobs/" + e.getKey(), null, 200);
            if (!j.path("status").asText().equalsIgnoreCase(e.getValue())) {
                differ.add(e.getKey() + " view " + j.path("status").asText() + ", scheduler " + e.getValue());
            }
        }
        row(fault, "the view shows each job in the scheduler's state", !scheduler.isEmpty() && differ.isEmpty(),
                scheduler.size() + " jobs" + (differ.isEmpty() ? ", all equal" : "; " + abbreviate(differ)));
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
                    new String[] {"attempt_progress", "job_id"}, new String[] {"model_version_view", "job_id"},
                    new String[] {"job_event", "job_id"})) {
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
                    .header("X-User", user).timeout(Duration.ofSeconds(180));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                throw new AssertionError(method + " " + path + ": no answer within 180 s");
            }
            if (r.statusCode() >= 400) {
                errorAnswers.add(r.statusCode() + " " + r.body());
            }
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
