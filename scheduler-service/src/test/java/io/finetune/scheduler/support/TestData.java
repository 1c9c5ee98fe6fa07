package io.finetune.scheduler.support;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.events.ValidationProblem;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.service.JobService;
import io.finetune.scheduler.service.NewJob;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;

/** Events as the other services send them, and the test schema's state. */
public final class TestData {

    private TestData() {
    }

    public static String randomOwner() {
        return "owner-" + UUID.randomUUID();
    }

    public static DatasetEvent validated(UUID datasetId, String owner, long rows) {
        return new DatasetEvent(UUID.randomUUID(), DatasetEvent.VALIDATED, Instant.now(), 2, datasetId, owner,
                "data.csv", "datasets/" + owner + "/" + datasetId + ".csv", rows, rows * 100, List.of("x", "label"),
                List.of(), "0".repeat(64));
    }

    public static DatasetEvent rejected(UUID datasetId, String owner, String problem) {
        return new DatasetEvent(UUID.randomUUID(), DatasetEvent.REJECTED, Instant.now(), 2, datasetId, owner,
                "data.csv", "datasets/" + owner + "/" + datasetId + ".csv", null, 100L, List.of("x"),
                List.of(new ValidationProblem(1L, "label", problem)), null);
    }

    public static TrainingEvent training(String type, Job job, int attempt, long counter, String message) {
        return training(type, job, attempt, counter, message, null);
    }

    public static TrainingEvent training(String type, Job job, int attempt, long counter, String message,
            String errorKind) {
        return new TrainingEvent(UUID.randomUUID(), type, Instant.now(), TrainingEvent.sequenceBase(attempt) + counter,
                job.id, job.owner, attempt, "worker-test", "cpu", null, job.epochs, null, null, null, null, null, null,
                null, TrainingEvent.SUCCEEDED.equals(type) ? "s3://models/" + job.id : null, message,
                errorKind, null);
    }

    public static void publishDataset(DatasetEvent event) {
        TestKafka.publish(Topics.DATASETS_EVENTS, event.datasetId(), event);
    }

    public static void publishTraining(TrainingEvent event) {
        TestKafka.publish(Topics.TRAINING_EVENTS, event.jobId(), event);
    }

    /** Submits the job and lets it succeed as a trainer would report; answers it succeeded. */
    public static Job train(JobService jobs, Duration wait, String owner, NewJob request) {
        UUID id = jobs.submit(owner, request).id();
        Awaitility.await().atMost(wait).until(() -> job(id).status == JobStatus.DISPATCHED);
        Job job = job(id);
        publishTraining(training(TrainingEvent.STARTED, job, 1, 1, null));
        publishTraining(training(TrainingEvent.SUCCEEDED, job, 1, 5, null));
        Awaitility.await().atMost(wait).until(() -> job(id).status == JobStatus.SUCCEEDED);
        return job(id);
    }

    public static Job job(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(id));
    }

    /**
     * Empties this module's test schema, once the outbox has gone out. Trainer slots are shared by
     * every job in it, so each test starts with all slots free and nothing queued ahead of its jobs.
     */
    public static void reset(EntityManager em) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                (Long) em.createQuery("select count(o) from OutboxMessage o where o.sentAt is null").getSingleResult()
                        == 0));
        // DELETE, not TRUNCATE: TRUNCATE's exclusive table lock deadlocks with the dispatcher's and relay's ticks.
        QuarkusTransaction.requiringNew().run(() -> {
            for (String table : new String[] {"outbox", "processed_event", "model_version", "schedule_run", "schedule", "job",
                "dataset"}) {
                em.createNativeQuery("delete from " + table).executeUpdate();
            }
        });
    }
}
