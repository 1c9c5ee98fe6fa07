package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.ModelVersion;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reusing results through the real broker and database: a job identical to a succeeded one of the
 * same owner is answered with that job's model version and never dispatched; a fresh run, a change
 * of any identity field, or another owner trains.
 */
@QuarkusTest
class ResultReuseTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final String SHA256 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void anIdenticalJobIsAnsweredWithTheEarlierModelVersionWithoutADispatch() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner, SHA256));
        Job trained = TestData.train(jobs, WAIT, owner, new NewJob("first", datasetId, null, 3, Map.of("seed", 7)));
        ModelVersion version = QuarkusTransaction.requiringNew().call(() -> ModelVersion.<ModelVersion>find(
                "jobId", trained.id).singleResult());

        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic());
                var events = TestKafka.Tail.fromEnd(Topics.JOBS_EVENTS)) {
            // the same hyperparameters, defaults given explicitly: identical once defaults are filled in
            JobView again = jobs.submit(owner, new NewJob("again", datasetId, null, 3,
                    Map.of("seed", 7, "learningRate", 0.01, "batchSize", 32)));

            assertThat(again.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(again.reason()).contains("reused model first version " + version.version)
                    .contains(trained.id.toString()).contains("fresh=true");
            assertThat(again.attempt()).isZero();

            await().atMost(WAIT).until(() -> types(events, again.id()).contains("job.succeeded"));
            List<JobEvent> history = events.poll(Set.of(again.id())).stream()
                    .map(r -> TestKafka.read(r, JobEvent.class)).toList();
            assertThat(history).extracting(JobEvent::status).containsExactly(JobStatus.QUEUED, JobStatus.SUCCEEDED);
            assertThat(history.get(1).reason()).isEqualTo(again.reason());
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5)).until(() -> dispatches.poll(Set.of(again.id())).isEmpty());
            // no new version: the answer is the earlier one
            assertThat(versionsOf(owner)).hasSize(1);
        }
    }

    @Test
    void aFreshRunOrAnyDifferenceTrains() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner, SHA256));
        TestData.train(jobs, WAIT, owner, new NewJob("base", datasetId, null, 2, null));

        JobView fresh = jobs.submit(owner, new NewJob("fresh", datasetId, null, 2, null, null, null, null, true));
        JobView otherSeed = jobs.submit(owner, new NewJob("seed", datasetId, null, 2, Map.of("seed", 43)));
        JobView otherEpochs = jobs.submit(owner, new NewJob("epochs", datasetId, null, 3, null));
        JobView otherRecipe = jobs.submit(owner, new NewJob("recipe", datasetId, "text-classification", 2, null));
        for (JobView job : List.of(fresh, otherSeed, otherEpochs, otherRecipe)) {
            assertThat(job.status()).as(job.name()).isEqualTo(JobStatus.QUEUED);
        }

        // another dataset of other bytes
        UUID otherData = UUID.randomUUID();
        TestData.publishDataset(validated(otherData, owner, "1".repeat(64)));
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> io.finetune.scheduler.entity.Dataset.findById(otherData) != null));
        assertThat(jobs.submit(owner, new NewJob("data", otherData, null, 2, null)).status())
                .isEqualTo(JobStatus.QUEUED);

        // another owner with a dataset of the very same bytes
        String stranger = TestData.randomOwner();
        UUID strangersData = UUID.randomUUID();
        TestData.publishDataset(validated(strangersData, stranger, SHA256));
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> io.finetune.scheduler.entity.Dataset.findById(strangersData) != null));
        assertThat(jobs.submit(stranger, new NewJob("base", strangersData, null, 2, null)).status())
                .isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void aJobWaitingForItsDatasetIsAnsweredWhenTheDatasetTurnsOutToHoldTheSameBytes() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner, SHA256));
        Job trained = TestData.train(jobs, WAIT, owner, new NewJob("monday", datasetId, null, 1, null));

        // the same file uploaded again as a new dataset, not validated yet when the job comes
        UUID reupload = UUID.randomUUID();
        JobView waiting = jobs.submit(owner, new NewJob("tuesday", reupload, null, 1, null));
        assertThat(waiting.status()).isEqualTo(JobStatus.VALIDATING);
        TestData.publishDataset(validated(reupload, owner, SHA256));

        await().atMost(WAIT).until(() -> TestData.job(waiting.id()).status == JobStatus.SUCCEEDED);
        Job answered = TestData.job(waiting.id());
        assertThat(answered.reason).contains("reused model monday version 1").contains(trained.id.toString());
        assertThat(answered.attempt).isZero();
    }


    private static List<String> types(TestKafka.Tail events, UUID job) {
        return events.poll(Set.of(job)).stream().map(r -> TestKafka.read(r, JobEvent.class).type()).toList();
    }

    private static List<ModelVersion> versionsOf(String owner) {
        return QuarkusTransaction.requiringNew().call(() -> ModelVersion.<ModelVersion>list("owner", owner));
    }

    private static DatasetEvent validated(UUID datasetId, String owner, String sha256) {
        DatasetEvent base = TestData.validated(datasetId, owner, 100);
        return new DatasetEvent(base.eventId(), base.type(), base.time(), base.sequence(), datasetId, owner,
                base.name(), base.objectKey(), base.rows(), base.bytes(), base.columns(), base.problems(), sha256);
    }
}
