package io.finetune.progress.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingEvent;
import io.finetune.progress.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The view built from events published to the real broker, as the scheduler and a trainer would,
 * read back through the REST API: in order, duplicated and shuffled, and with late events.
 */
@QuarkusTest
class JobViewServiceTest {

    private static final Duration PROJECTED = Duration.ofSeconds(60);

    @Inject
    ObjectMapper json;

    @Inject
    DataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private KafkaProducer<String, String> producer;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void inOrderStreamBuildsTheFinishedJob() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        publishAndAwait(job.happyPath());

        Map<String, Object> view = detail(owner, job.jobId());
        assertEquals("succeeded", view.get("status"));
        assertEquals(job.jobId().toString(), view.get("id"));
        assertEquals("finished 3 epochs", view.get("reason"));
        assertEquals("tabular-classification", view.get("recipe"));
        assertEquals(job.at(0).toString(), view.get("queuedAt"));
        assertEquals(job.at(2).toString(), view.get("startedAt"), "the trainer's start precedes job.running");
        assertEquals(job.at(32).toString(), view.get("finishedAt"));
        assertEquals(3, view.get("epoch"));
        assertEquals(3, view.get("epochs"));
        assertEquals(1.0 / 3, view.get("trainLoss"));
        assertEquals(0.45 + 3 / 10.0, view.get("validationAccuracy"));
        assertEquals("s3://models/" + job.jobId() + "/1", view.get("modelUri"));
        assertEquals(TestEvents.HYPERPARAMETERS, view.get("hyperparameters"));
        List<?> history = (List<?>) view.get("epochHistory");
        assertEquals(3, history.size());
        for (int i = 0; i < 3; i++) {
            Map<?, ?> epoch = (Map<?, ?>) history.get(i);
            assertEquals(i + 1, epoch.get("epoch"));
            assertEquals(1000.0 * (i + 1), epoch.get("samplesPerSecond"));
            assertEquals(job.at(10L * (i + 1)).toString(), epoch.get("completedAt"));
        }
    }

    @Test
    void theJobsHistoryHasEachTransitionAndTrainerReportOnceInTimeOrderWhateverTheDelivery() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        List<PlatformEvent> events = new ArrayList<>(job.happyPath());
        events.addAll(List.copyOf(events));
        Collections.shuffle(events, new Random(System.nanoTime()));
        publishAndAwait(events);

        List<Map<String, Object>> history = given().header("X-Owner", owner).get("/jobs/{id}/events", job.jobId())
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(List.of("job.queued", "job.dispatched", "training.started", "job.running", "training.succeeded",
                "job.succeeded"), history.stream().map(e -> e.get("type")).toList(),
                "transitions and lifecycle reports, not epochs or heartbeats, each once, by time");
        assertEquals(List.of(job.at(0), job.at(1), job.at(2), job.at(3), job.at(31), job.at(32)).stream()
                .map(Instant::toString).toList(), history.stream().map(e -> e.get("time")).toList());
        Map<String, Object> last = history.get(history.size() - 1);
        assertEquals("succeeded", last.get("status"));
        assertEquals("finished 3 epochs", last.get("reason"));
        assertEquals(1, history.get(2).get("attempt"), "the trainer's report names its attempt");

        given().header("X-Owner", "someone-else-" + UUID.randomUUID()).get("/jobs/{id}/events", job.jobId())
                .then().statusCode(404).contentType("application/problem+json");
        given().header("X-Owner", owner).get("/jobs/{id}/events", "not-a-job").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void duplicatedAndShuffledStreamConvergesToTheInOrderView() {
        Instant t0 = Instant.now();
        String ownerA = "user-" + UUID.randomUUID();
        String ownerB = "user-" + UUID.randomUUID();
        UUID datasetId = UUID.randomUUID();
        TestEvents inOrder = new TestEvents(UUID.randomUUID(), ownerA, "same-name", datasetId, t0);
        TestEvents shuffled = new TestEvents(UUID.randomUUID(), ownerB, "same-name", datasetId, t0);
        publishAndAwait(inOrder.happyPath());
        Map<String, Object> expected = withoutId(detail(ownerA, inOrder.jobId()));

        // every event delivered twice, in any order
        List<PlatformEvent> events = new ArrayList<>(shuffled.happyPath());
        events.addAll(List.copyOf(events));
        long seed = System.nanoTime();
        Collections.shuffle(events, new Random(seed));
        // a trainer report before the job's first transition, whatever the shuffle did
        int firstEpoch = indexOf(events, TrainingEvent.EPOCH_COMPLETED);
        events.add(0, events.remove(firstEpoch));
        publishAndAwait(events);

        assertEquals(expected, withoutId(detail(ownerB, shuffled.jobId())), "shuffle seed " + seed);
        assertEquals(listEntry(ownerA), listEntry(ownerB), "shuffle seed " + seed);
        assertEquals("s3://models/" + shuffled.jobId() + "/1", detail(ownerB, shuffled.jobId()).get("modelUri"));
    }

    @Test
    void lateEventsDoNotRegressAFinishedJob() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        publishAndAwait(job.happyPath());
        Map<String, Object> finished = detail(owner, job.jobId());
        assertEquals("succeeded", finished.get("status"));

        // a redelivered epoch report with a stale sequence, and a stale transition, after the end
        TrainingEvent lateEpoch = job.epoch(3, 2, 40);
        JobEvent lateRunning = job.job(3, JobStatus.RUNNING, 41, null);
        publishAndAwait(List.of(lateEpoch, lateRunning));

        assertEquals(finished, detail(owner, job.jobId()));
    }

    @Test
    void trainerReportsAloneDoNotShowAJobYet() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        TrainingEvent started = job.started(2);
        TrainingEvent epoch = job.epoch(3, 1, 10);
        publishAndAwait(List.of(started, epoch));

        given().header("X-Owner", owner).get("/jobs/{id}", job.jobId()).then().statusCode(404);
        assertTrue(list(owner).isEmpty());

        publishAndAwait(List.of(job.job(1, JobStatus.QUEUED, 0, null)));
        Map<String, Object> view = detail(owner, job.jobId());
        assertEquals("queued", view.get("status"));
        assertEquals(1, view.get("epoch"));
        assertEquals(job.at(2).toString(), view.get("startedAt"));
        assertFalse(((List<?>) view.get("epochHistory")).isEmpty());
    }

    @Test
    void aJobOnABaseModelShowsTheVersionItIsPinnedTo() {
        String owner = "user-" + UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        UUID datasetId = UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        java.util.function.BiFunction<Long, JobStatus, JobEvent> transition = (seq, status) -> new JobEvent(
                UUID.randomUUID(), JobEvent.typeFor(status), t0.plusSeconds(seq), seq, jobId, owner, "health-on-base",
                status, null, datasetId, "tabular-classification", 3, Map.of(), 1, "production", "production",
                "training", "health-on-base", null, null, "tabular-base:2");
        List<PlatformEvent> events = new ArrayList<>(List.of(transition.apply(1L, JobStatus.QUEUED),
                transition.apply(2L, JobStatus.DISPATCHED)));
        // a later transition that does not state it (as an older scheduler's) keeps what is known
        events.add(new JobEvent(UUID.randomUUID(), JobEvent.typeFor(JobStatus.RUNNING), t0.plusSeconds(3), 3, jobId,
                owner, "health-on-base", JobStatus.RUNNING, null, datasetId, "tabular-classification", 3, Map.of(), 1,
                "production", "production"));
        publishAndAwait(events);

        assertEquals("tabular-base:2", detail(owner, jobId).get("baseModel"));
        assertEquals("running", detail(owner, jobId).get("status"));
        assertEquals("tabular-base:2", list(owner).get(0).get("baseModel"));

        TestEvents plain = TestEvents.forNewJob(owner, Instant.now());
        publishAndAwait(plain.happyPath());
        assertEquals(null, detail(owner, plain.jobId()).get("baseModel"));
    }

    @Test
    void aPredictionJobShowsItsKindTheVersionItPredictsWithAndItsResult() {
        String owner = "user-" + UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        UUID datasetId = UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String result = "s3://predictions/" + jobId + "/attempt-1/predictions.csv";
        java.util.function.BiFunction<Long, JobStatus, JobEvent> transition = (seq, status) -> new JobEvent(
                UUID.randomUUID(), JobEvent.typeFor(status), t0.plusSeconds(seq), seq, jobId, owner, "score-today",
                status, null, datasetId, "tabular-classification", 0, Map.of(), 1, "cpu", "production", "prediction",
                "health", 2, status == JobStatus.SUCCEEDED ? result : null);
        List<PlatformEvent> events = new ArrayList<>(List.of(transition.apply(1L, JobStatus.QUEUED),
                transition.apply(2L, JobStatus.DISPATCHED), transition.apply(3L, JobStatus.RUNNING)));
        events.add(new TrainingEvent(UUID.randomUUID(), TrainingEvent.SUCCEEDED, t0.plusSeconds(4),
                TrainingEvent.sequenceBase(1) + 2, jobId, owner, 1, "worker-1", "cpu", null, 0, null, null, null, null,
                null, 900L, null, null, null, null, null, result));
        events.add(transition.apply(4L, JobStatus.SUCCEEDED));
        // a later fact about the job that does not state its kind (as an older scheduler's) changes none of it
        events.add(new JobEvent(UUID.randomUUID(), "job.sla-missed", t0.plusSeconds(5), 5, jobId, owner,
                "score-today", JobStatus.SUCCEEDED, "late", datasetId, "tabular-classification", 0, Map.of(), 1, "cpu",
                "production"));
        publishAndAwait(events);

        Map<String, Object> view = detail(owner, jobId);
        assertEquals("prediction", view.get("kind"));
        assertEquals("succeeded", view.get("status"));
        assertEquals("health", view.get("model"));
        assertEquals(2, view.get("modelVersion"));
        assertEquals(result, view.get("resultUri"));
        assertEquals("cpu", view.get("lane"));
        Map<String, Object> listed = list(owner).get(0);
        assertEquals("prediction", listed.get("kind"));
        assertEquals(result, listed.get("resultUri"));

        TestEvents training = TestEvents.forNewJob(owner, Instant.now());
        publishAndAwait(training.happyPath());
        assertEquals("training", detail(owner, training.jobId()).get("kind"));
        assertEquals(null, detail(owner, training.jobId()).get("resultUri"));
    }

    /** Publishes the events and waits until the projection has applied each of them (heartbeats aside). */
    private void publishAndAwait(List<? extends PlatformEvent> events) {
        try {
            for (PlatformEvent event : events) {
                String topic = event instanceof JobEvent ? Topics.JOBS_EVENTS : Topics.TRAINING_EVENTS;
                UUID jobId = event instanceof JobEvent e ? e.jobId() : ((TrainingEvent) event).jobId();
                producer.send(new ProducerRecord<>(topic, jobId.toString(), json.writeValueAsString(event))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish", e);
        }
        await().atMost(PROJECTED).until(() -> events.stream()
                .filter(e -> !TrainingEvent.HEARTBEAT.equals(e.type()))
                .allMatch(e -> processed(e.eventId())));
    }

    private Map<String, Object> detail(String owner, UUID id) {
        return parse(given().header("X-Owner", owner).get("/jobs/{id}", id).then().statusCode(200)
                .extract().asString());
    }

    private List<Map<String, Object>> list(String owner) {
        String body = given().header("X-Owner", owner).get("/jobs").then().statusCode(200).extract().asString();
        try {
            return json.readValue(body, new TypeReference<>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }

    private Map<String, Object> listEntry(String owner) {
        List<Map<String, Object>> jobs = list(owner);
        assertEquals(1, jobs.size());
        return withoutId(jobs.get(0));
    }

    private Map<String, Object> parse(String body) {
        try {
            return json.readValue(body, new TypeReference<>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }

    private static Map<String, Object> withoutId(Map<String, Object> view) {
        Map<String, Object> copy = new HashMap<>(view);
        copy.remove("id");
        copy.remove("modelUri"); // names the job's own id: checked apart
        return copy;
    }

    private static int indexOf(List<PlatformEvent> events, String type) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type().equals(type)) {
                return i;
            }
        }
        throw new IllegalArgumentException(type);
    }

    private boolean processed(UUID eventId) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select 1 from processed_event where event_id = ?")) {
            s.setObject(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
