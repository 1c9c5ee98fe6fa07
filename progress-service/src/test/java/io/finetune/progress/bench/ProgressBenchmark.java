package io.finetune.progress.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.progress.TestEvents;
import io.finetune.progress.config.ProgressConfig;
import io.finetune.progress.service.JobChanges;
import io.finetune.progress.service.JobProjection;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The figures of issue 6, printed as {@code [bench]} lines; run by {@code dev/bench-progress}, skipped
 * otherwise. The service runs in this JVM against the real broker and database, on topics and a
 * consumer group of this run only (the shared topics see nothing), and its rows are deleted at the end.
 */
@QuarkusTest
@TestProfile(ProgressBenchmark.Isolated.class)
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ProgressBenchmark {

    static final String RUN = "bench-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * Topics and group of this run only; the gauges refreshed as often as in production (the tests'
     * every second scans the whole view and competed with the projection for the database).
     */
    public static class Isolated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("progress.topics.jobs-events", RUN + ".jobs.events",
                    "progress.topics.training-events", RUN + ".training.events",
                    "progress.topics.models-events", RUN + ".models.events",
                    "mp.messaging.incoming.events.group.id", RUN,
                    "progress.metrics.refresh-every", "15s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    ObjectMapper json;

    @Inject
    DataSource db;

    @Inject
    JobProjection projection;

    @Inject
    ProgressConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static final List<String> OWNERS = new ArrayList<>();
    private static DataSource cleanupDb;
    private static String cleanupKafka;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void figures() throws Exception {
        cleanupDb = db;
        cleanupKafka = bootstrapServers;
        awaitConsumerReady();
        // A service in production runs warm: its code compiled by the JIT before anything is measured
        // (a cold JVM parsed events 5-10 times slower, and compiling took the CPU the rest needed)
        double warmUp = materialize(5_000);
        print("warm-up (not a figure): %d events at %.0f events/s", 5_000 * 10, warmUp);
        throughput();
        latency();
        listQuery();
    }

    /** 1,000 events/s for 10 s, one new job each: to the committed view (a LISTEN) and to an SSE client. */
    private void latency() throws Exception {
        String owner = owner();
        int count = 10_000;
        Map<UUID, Long> sent = new ConcurrentHashMap<>();
        Map<UUID, Long> viewed = new ConcurrentHashMap<>();
        Map<UUID, Long> streamed = new ConcurrentHashMap<>();
        AtomicInteger listening = new AtomicInteger();
        Thread listener = new Thread(() -> listen(viewed, listening));
        listener.setDaemon(true);
        listener.start();
        HttpResponse<Stream<String>> sse = http.send(HttpRequest.newBuilder(base.resolve("jobs/stream"))
                .header("X-Owner", owner).build(), HttpResponse.BodyHandlers.ofLines());
        Pattern id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
        Thread reader = new Thread(() -> {
            try {
                sse.body().forEach(line -> {
                    if (line.startsWith("data:")) {
                        Matcher m = id.matcher(line);
                        if (m.find()) {
                            streamed.putIfAbsent(UUID.fromString(m.group(1)), System.nanoTime());
                        }
                    }
                });
            } catch (RuntimeException closed) {
                // closed at the end
            }
        });
        reader.setDaemon(true);
        reader.start();
        while (listening.get() == 0) {
            Thread.sleep(10);
        }
        Thread.sleep(500);
        try (KafkaProducer<String, String> producer = producer(0)) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(i);
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                TestEvents job = TestEvents.forNewJob(owner, "lat-" + i, RUN + "-latency", Instant.now());
                JobEvent queued = job.job(1, JobStatus.QUEUED, 0, null);
                sent.put(job.jobId(), System.nanoTime());
                producer.send(new ProducerRecord<>(config.topics().jobsEvents(), job.jobId().toString(),
                        json.writeValueAsString(queued)));
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((viewed.size() < count || streamed.size() < count) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            sse.body().close();
            print("latency at %.0f events/s for %d events (goal p99 < 1 s):", rate, count);
            print("  event -> committed view (LISTEN): %s", percentiles(sent, viewed, count));
            print("  event -> SSE client (/jobs/stream): %s", percentiles(sent, streamed, count));
        }
    }

    /** 5,000 jobs x 10 events as fast as the producer goes, then the broker alone with as many messages. */
    private void throughput() throws Exception {
        int jobs = 5_000;
        double view = materialize(jobs);
        double broker = brokerRate(records(owner(), jobs));
        print("materialization: %d events (%d jobs) in the view at %.0f events/s (goal >= 10,000)", jobs * 10, jobs, view);
        print("broker alone, as many records of the same jobs' shape, produce -> consume in this JVM: %.0f messages/s", broker);
        print("ratio view / broker: %.2f", view / broker);
    }

    /** A new owner's {@code jobs} jobs, 10 events each: answers the rate at which they reached the view. */
    private double materialize(int jobs) throws Exception {
        String owner = owner();
        List<ProducerRecord<String, String>> records = records(owner, jobs);
        int events = records.size();
        long start;
        try (KafkaProducer<String, String> producer = producer(5)) {
            start = System.nanoTime();
            records.forEach(producer::send);
            producer.flush();
        }
        // a cheap check (the owner-and-status index) every 100 ms: a heavier or more frequent one took
        // the database's time from the projection it measures
        long done;
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select count(*) from job_view where owner = ? and status = 'succeeded' and model_uri is not null")) {
            s.setString(1, owner);
            while (true) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == jobs) {
                        break;
                    }
                }
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5)) {
                    throw new AssertionError("the view did not catch up within 5 minutes");
                }
                Thread.sleep(100);
            }
            done = System.nanoTime();
        }
        // the epochs come in the same polls as the jobs' last events: all there once every job succeeded
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select count(*) from epoch_history h join job_view v on v.id = h.job_id where v.owner = ?")) {
            s.setString(1, owner);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != 3L * jobs) {
                    throw new AssertionError("epoch history: " + rs.getLong(1) + " rows, expected " + 3L * jobs);
                }
            }
        }
        return events / ((done - start) / 1e9);
    }

    /** The whole happy path of {@code jobs} new jobs of {@code owner}, as the scheduler and trainers publish it. */
    private List<ProducerRecord<String, String>> records(String owner, int jobs) throws Exception {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            TestEvents job = TestEvents.forNewJob(owner, "tp-" + i, "production", Instant.now());
            for (PlatformEvent event : job.happyPath()) {
                String topic = event instanceof JobEvent ? config.topics().jobsEvents() : config.topics().trainingEvents();
                records.add(new ProducerRecord<>(topic, job.jobId().toString(), json.writeValueAsString(event)));
            }
        }
        return records;
    }

    private double brokerRate(List<ProducerRecord<String, String>> records) throws Exception {
        String topic = RUN + ".baseline";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, config.topics().partitions(), (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, RUN + "-baseline",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            long start;
            try (KafkaProducer<String, String> producer = producer(5)) {
                start = System.nanoTime();
                for (ProducerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(topic, r.key(), r.value()));
                }
                int consumed = 0;
                while (consumed < records.size()) {
                    for (ConsumerRecord<String, String> ignored : consumer.poll(Duration.ofMillis(100))) {
                        consumed++;
                    }
                }
            }
            return records.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** GET /jobs over HTTP for one owner with 10,000 jobs (9,000 finished, 1,000 queued). */
    private void listQuery() throws Exception {
        String owner = owner();
        List<PlatformEvent> batch = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TestEvents job = TestEvents.forNewJob(owner, "list-" + i, "production", Instant.now().minusSeconds(i));
            if (i % 10 == 0) {
                batch.add(job.job(1, JobStatus.QUEUED, 0, null));
            } else {
                batch.addAll(job.happyPath());
            }
            if (batch.size() >= 2_000) {
                projection.replay(batch);
                batch.clear();
            }
        }
        projection.replay(batch);
        // the steady state: what autovacuum does within a minute of a bulk load (statistics that know
        // this owner's 10,000 rows, the visibility map), done now rather than in the middle of the figures
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("vacuum analyze job_view, epoch_history, attempt_progress");
        }
        print("list query, one owner with 10,000 jobs, 500 requests each (goal p99 < 20 ms):");
        for (String query : List.of("", "?limit=50", "?sort=name&limit=100", "?status=queued&limit=100",
                "?name=list-99&limit=100", "?nameExact=list-4242")) {
            URI uri = base.resolve("jobs" + query);
            for (int i = 0; i < 50; i++) {
                get(uri, owner);
            }
            long[] nanos = new long[500];
            for (int i = 0; i < nanos.length; i++) {
                long t = System.nanoTime();
                get(uri, owner);
                nanos[i] = System.nanoTime() - t;
            }
            Arrays.sort(nanos);
            print("  GET /jobs%-24s p50 %6.2f ms  p99 %6.2f ms", query, nanos[250] / 1e6, nanos[494] / 1e6);
        }
    }

    private void get(URI uri, String owner) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("X-Owner", owner).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(uri + ": " + response.statusCode() + " " + response.body());
        }
    }

    private void listen(Map<UUID, Long> viewed, AtomicInteger listening) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "platform", "platform")) {
            try (Statement s = c.createStatement()) {
                s.execute("listen " + JobProjection.CHANGES_CHANNEL);
            }
            listening.set(1);
            PGConnection pg = c.unwrap(PGConnection.class);
            while (true) {
                PGNotification[] notifications = pg.getNotifications(1000);
                long now = System.nanoTime();
                if (notifications != null) {
                    for (PGNotification n : notifications) {
                        json.readValue(n.getParameter(), JobChanges.class).jobs().keySet()
                                .forEach(job -> viewed.putIfAbsent(job, now));
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A throwaway job goes through first: the consumer group has joined once it is in the view. */
    private void awaitConsumerReady() throws Exception {
        String owner = owner();
        TestEvents job = TestEvents.forNewJob(owner, "warm-up", "production", Instant.now());
        try (KafkaProducer<String, String> producer = producer(0)) {
            producer.send(new ProducerRecord<>(config.topics().jobsEvents(), job.jobId().toString(),
                    json.writeValueAsString(job.job(1, JobStatus.QUEUED, 0, null)))).get();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("jobs/counts"))
                    .header("X-Owner", owner).build(), HttpResponse.BodyHandlers.ofString());
            if (r.body().contains("\"total\":1")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the consumer did not start within 120 s");
    }

    private KafkaProducer<String, String> producer(int lingerMs) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, lingerMs),
                new StringSerializer(), new StringSerializer());
    }

    private static String percentiles(Map<UUID, Long> sent, Map<UUID, Long> arrived, int count) {
        long[] ms = sent.entrySet().stream().filter(e -> arrived.containsKey(e.getKey()))
                .mapToLong(e -> arrived.get(e.getKey()) - e.getValue()).sorted().toArray();
        if (ms.length == 0) {
            return "nothing arrived";
        }
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d arrived)", ms[ms.length / 2] / 1e6,
                ms[(int) (ms.length * 0.99)] / 1e6, ms[ms.length - 1] / 1e6, ms.length, count);
    }

    private static String owner() {
        String owner = RUN + "-" + UUID.randomUUID();
        OWNERS.add(owner);
        return owner;
    }

    private static void print(String format, Object... args) {
        System.out.println("[bench] " + String.format(format, args));
    }

    /** Deletes this run's rows and topics: the database and the broker are shared. */
    @AfterAll
    static void cleanUp() throws Exception {
        if (cleanupDb == null) {
            return;
        }
        try (Connection c = cleanupDb.getConnection()) {
            for (String sql : List.of(
                    "delete from epoch_history where job_id in (select id from job_view where owner = any(?))",
                    "delete from attempt_progress where job_id in (select id from job_view where owner = any(?))",
                    "delete from job_event where job_id in (select id from job_view where owner = any(?))",
                    "delete from job_view where owner = any(?)")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setArray(1, c.createArrayOf("text", OWNERS.toArray()));
                    s.executeUpdate();
                }
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cleanupKafka))) {
            admin.deleteTopics(Set.of(RUN + ".jobs.events", RUN + ".training.events", RUN + ".models.events",
                    RUN + ".baseline")).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
