package io.finetune.progress.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import io.finetune.progress.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Retried attempts in the epoch history, and pruning of processed event ids. Seeded through the projection. */
@QuarkusTest
class AttemptsAndRetentionTest {

    @Inject
    JobProjection projection;

    @Inject
    EventRetention retention;

    @Inject
    DataSource db;

    /** Attempt 1 reaches epoch 4 and fails; attempt 2 resumes from the checkpoint of epoch 3. */
    private static List<PlatformEvent> resumedRetry(TestEvents job) {
        List<PlatformEvent> events = new ArrayList<>();
        events.add(job.job(1, JobStatus.QUEUED, 0, null, 1));
        events.add(job.job(2, JobStatus.RUNNING, 1, null, 1));
        events.add(job.started(1, 1, 1));
        for (int epoch = 1; epoch <= 4; epoch++) {
            events.add(job.epoch(1, 1 + epoch, epoch, 10L * epoch));
        }
        events.add(job.failed(1, 6, 45, TrainingEvent.INFRASTRUCTURE));
        events.add(job.job(3, JobStatus.QUEUED, 46, "retrying after an infrastructure failure", 2));
        events.add(job.job(4, JobStatus.RUNNING, 50, null, 2));
        events.add(job.started(2, 1, 50));
        events.add(job.epoch(2, 2, 4, 60));
        events.add(job.epoch(2, 3, 5, 70));
        events.add(job.succeeded(2, 4, 71));
        events.add(job.job(5, JobStatus.SUCCEEDED, 72, "finished", 2));
        return events;
    }

    @Test
    void aResumedAttemptKeepsTheEarlierEpochsBelowItsCheckpoint() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        List<PlatformEvent> events = resumedRetry(job);
        // before attempt 2 reports: attempt 1's epochs 1..4
        events.subList(0, 10).forEach(this::apply);
        assertEquals(List.of(1, 2, 3, 4), history(owner, job).getList("epochHistory.epoch"));
        assertEquals(List.of(1, 1, 1, 1), history(owner, job).getList("epochHistory.attempt"));
        events.subList(10, events.size()).forEach(this::apply);

        JsonPath view = history(owner, job);
        assertEquals(List.of(1, 2, 3, 4, 5), view.getList("epochHistory.epoch"));
        assertEquals(List.of(1, 1, 1, 2, 2), view.getList("epochHistory.attempt"));
        assertEquals(2.04f, view.getFloat("epochHistory[3].validationLoss"), 1e-6);
        assertEquals(5, view.getInt("epoch"));
        assertEquals("s3://models/" + job.jobId() + "/2", view.getString("modelUri"));

        // the same events in reverse order give the same history
        TestEvents reversed = new TestEvents(UUID.randomUUID(), owner, "reversed", UUID.randomUUID(), job.at(0));
        List<PlatformEvent> backwards = new ArrayList<>(resumedRetry(reversed));
        Collections.reverse(backwards);
        backwards.forEach(this::apply);
        assertEquals(view.getList("epochHistory"), history(owner, reversed).getList("epochHistory"));
    }

    @Test
    void epochsOfAnAttemptAfterTheSuccessfulOneNeverAppear() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        List<PlatformEvent> events = new ArrayList<>(job.happyPath());
        // a stray attempt 2 (the scheduler thought attempt 1 was lost) restarts from scratch
        events.add(job.started(2, 1, 40));
        events.add(job.epoch(2, 2, 1, 41));
        events.add(job.epoch(2, 3, 2, 42));
        events.add(job.succeeded(2, 4, 43));
        for (List<PlatformEvent> order : List.of(events, reversed(events))) {
            TestEvents copy = new TestEvents(UUID.randomUUID(), owner, "copy-" + UUID.randomUUID(), UUID.randomUUID(),
                    job.at(0));
            order.stream().map(e -> rebind(e, copy)).forEach(this::apply);
            JsonPath view = history(owner, copy);
            assertEquals(List.of(1, 2, 3), view.getList("epochHistory.epoch"));
            assertEquals(List.of(1, 1, 1), view.getList("epochHistory.attempt"));
            assertEquals("s3://models/" + copy.jobId() + "/1", view.getString("modelUri"));
        }
    }

    @Test
    void aRedeliveryAfterItsIdWasPrunedChangesNothing() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        List<PlatformEvent> events = job.happyPath();
        events.forEach(this::apply);
        String before = given().header("X-Owner", owner).get("/jobs/{id}", job.jobId()).asString();

        // only this test's ids get old enough for the retention (the database is shared)
        age(events);
        assertTrue(retention.prune(Instant.now().minus(Duration.ofDays(7))) >= events.size() - 1);
        // a late redelivery of every event: applied again (the ids are gone) but nothing takes effect
        JobProjection.Applied again = projection.apply(events);
        assertFalse(again.events().isEmpty());
        assertTrue(again.transitions().isEmpty(), "no transition takes effect twice");
        assertTrue(again.epochs().isEmpty(), "no epoch report takes effect twice");
        assertEquals(before, given().header("X-Owner", owner).get("/jobs/{id}", job.jobId()).asString());
        // and the ids are back: a further redelivery is dropped early
        assertTrue(projection.apply(events).events().isEmpty());
    }

    private void age(List<PlatformEvent> events) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "update processed_event set processed_at = now() - interval '30 days' where event_id = any(?)")) {
            s.setArray(1, c.createArrayOf("uuid", events.stream().map(PlatformEvent::eventId).toArray()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonPath history(String owner, TestEvents job) {
        return given().header("X-Owner", owner).get("/jobs/{id}", job.jobId()).then().statusCode(200)
                .extract().jsonPath();
    }

    private static List<PlatformEvent> reversed(List<PlatformEvent> events) {
        List<PlatformEvent> copy = new ArrayList<>(events);
        Collections.reverse(copy);
        return copy;
    }

    /** The same event for another job (fresh id). */
    private static PlatformEvent rebind(PlatformEvent event, TestEvents to) {
        if (event instanceof JobEvent e) {
            return to.job(e.sequence(), e.status(), Duration.between(to.at(0), e.time()).getSeconds(),
                    e.reason(), e.attempt());
        }
        TrainingEvent e = (TrainingEvent) event;
        return new TrainingEvent(UUID.randomUUID(), e.type(), e.time(), e.sequence(), to.jobId(), e.owner(),
                e.attempt(), e.worker(), e.device(), e.epoch(), e.epochs(), e.trainLoss(), e.trainAccuracy(),
                e.validationLoss(), e.validationAccuracy(), e.samplesPerSecond(), e.elapsedMillis(),
                e.remainingMillis(), e.modelUri() == null ? null : "s3://models/" + to.jobId() + "/" + e.attempt(),
                e.message(), e.errorKind(), null);
    }

    private void apply(PlatformEvent event) {
        projection.apply(List.of(event));
    }
}
