package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.ModelCard;
import io.finetune.common.events.ModelEvent;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.ModelVersion;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Model versions (docs/models.md) through the real broker and database: a success registers the
 * model's next version with the job's transition, publishes it on {@code models.events}, and a later
 * job of the same model and recipe is dispatched with the latest version's artifact as its warm start.
 */
@QuarkusTest
class ModelRegistryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Inject
    JobService jobs;
    @Inject
    TrainingEventService trainingEvents;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void numbersTheVersionsOfAModelAndPublishesEach() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner));
        String modelKey = ModelEvent.key(owner, "churn");
        try (var models = TestKafka.Tail.fromEnd(Topics.MODELS_EVENTS)) {
            List<UUID> trained = new ArrayList<>();
            double[] accuracies = {0.81, 0.82, 0.83};
            for (int day = 1; day <= 3; day++) {
                UUID id = awaitDispatched(jobs.submit(owner, new NewJob("churn-day-" + day, datasetId, null, 2,
                        null, null, null, "churn")).id());
                Job job = TestData.job(id);
                TestData.publishTraining(TestData.training(TrainingEvent.STARTED, job, 1, 1, null));
                TestData.publishTraining(succeeded(job, card(job, accuracies[day - 1])));
                await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.SUCCEEDED);
                trained.add(id);
            }

            await().atMost(WAIT).until(() -> models.poll(Set.of(modelKey)).size() >= 3);
            List<ModelEvent> events = models.poll(Set.of(modelKey)).stream()
                    .map(r -> TestKafka.read(r, ModelEvent.class)).toList();
            assertThat(events).extracting(ModelEvent::version).containsExactly(1, 2, 3);
            assertThat(events).extracting(ModelEvent::sequence).containsExactly(1L, 2L, 3L);
            assertThat(events).extracting(ModelEvent::jobId).containsExactlyElementsOf(trained);

            ModelEvent second = events.get(1);
            Job job = TestData.job(trained.get(1));
            assertThat(second.type()).isEqualTo(ModelEvent.VERSION_REGISTERED);
            assertThat(second.owner()).isEqualTo(owner);
            assertThat(second.model()).isEqualTo("churn");
            assertThat(second.jobName()).isEqualTo("churn-day-2");
            assertThat(second.datasetId()).isEqualTo(datasetId);
            assertThat(second.datasetSha256()).isEqualTo(SHA256);
            assertThat(second.card()).isEqualTo(card(job, 0.82));
            assertThat(second.time()).isAfterOrEqualTo(job.finishedAt.minusSeconds(1));

            List<ModelVersion> stored = versions(owner, "churn");
            assertThat(stored).extracting(v -> v.version).containsExactly(1, 2, 3);
            assertThat(stored).extracting(v -> v.jobId).containsExactlyElementsOf(trained);
            assertThat(stored.get(2).card.metrics()).containsEntry(ModelCard.VALIDATION_ACCURACY, 0.83);
        }
    }

    @Test
    void concurrentSuccessesOfOneModelGetDistinctVersions() throws Exception {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner));
        List<UUID> trained = new ArrayList<>();
        // an owner runs two jobs at once (scheduler.policy.max-running-per-user): two rounds of two
        for (int round = 0; round < 2; round++) {
            List<Job> running = new ArrayList<>();
            for (String name : List.of("a" + round, "b" + round)) {
                running.add(TestData.job(awaitDispatched(jobs.submit(owner, new NewJob(name, datasetId, null, 1,
                        null, null, null, "shared")).id())));
            }
            CyclicBarrier together = new CyclicBarrier(running.size());
            ExecutorService threads = Executors.newFixedThreadPool(running.size());
            try {
                List<Future<?>> done = new ArrayList<>();
                for (Job job : running) {
                    TrainingEvent event = succeeded(job, card(job, 0.9));
                    done.add(threads.submit(() -> {
                        together.await();
                        trainingEvents.onTrainingEvent(event);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            running.forEach(j -> trained.add(j.id));
        }

        List<ModelVersion> stored = versions(owner, "shared");
        assertThat(stored).extracting(v -> v.version).containsExactly(1, 2, 3, 4);
        assertThat(stored).extracting(v -> v.jobId).containsExactlyInAnyOrderElementsOf(trained);
        assertThat(trained).allSatisfy(id -> assertThat(TestData.job(id).status).isEqualTo(JobStatus.SUCCEEDED));
    }

    @Test
    void aRedeliveredSuccessRegistersOnce() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner));
        String modelKey = ModelEvent.key(owner, "once");
        try (var models = TestKafka.Tail.fromEnd(Topics.MODELS_EVENTS)) {
            Job job = TestData.job(awaitDispatched(jobs.submit(owner, new NewJob("once", datasetId, null, 1,
                    null)).id()));
            TrainingEvent succeeded = succeeded(job, card(job, 0.9));
            TestData.publishTraining(succeeded);
            TestData.publishTraining(succeeded);
            // the same success from another delivery path (a new id, the same attempt)
            TestData.publishTraining(new TrainingEvent(UUID.randomUUID(), succeeded.type(), succeeded.time(),
                    succeeded.sequence(), job.id, owner, 1, "worker-other", "cpu", null, 1, null, null, null, null,
                    null, null, null, succeeded.modelUri(), null, null, succeeded.model()));

            await().atMost(WAIT).until(() -> models.poll(Set.of(modelKey)).size() == 1);
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5)).until(() -> models.poll(Set.of(modelKey)).size() == 1);
            assertThat(versions(owner, "once")).extracting(v -> v.version).containsExactly(1);
        }
    }

    @Test
    void aSuccessWithoutACardRegistersWhatItHas() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner));
        Job job = TestData.job(awaitDispatched(jobs.submit(owner, new NewJob("old-trainer", datasetId, null, 4,
                Map.of("learningRate", 0.05))).id()));
        TestData.publishTraining(new TrainingEvent(UUID.randomUUID(), TrainingEvent.SUCCEEDED, Instant.now(),
                TrainingEvent.sequenceBase(1) + 9, job.id, owner, 1, "worker-old", "cpu", 4, 4, 0.3, 0.88, 0.35,
                0.86, null, 1234L, 0L, "s3://models/" + job.id + "/attempt-1/", null, null, null));

        await().atMost(WAIT).until(() -> !versions(owner, "old-trainer").isEmpty());
        ModelVersion version = versions(owner, "old-trainer").get(0);
        assertThat(version.version).isEqualTo(1);
        assertThat(version.artifactUri).isEqualTo("s3://models/" + job.id + "/attempt-1/");
        assertThat(version.card.artifactUri()).isEqualTo(version.artifactUri);
        assertThat(version.card.recipe()).isEqualTo("tabular-classification");
        assertThat(version.card.hyperparameters()).containsEntry("learningRate", 0.05);
        assertThat(version.card.metrics()).containsEntry(ModelCard.VALIDATION_ACCURACY, 0.86)
                .containsEntry(ModelCard.VALIDATION_LOSS, 0.35);
        assertThat(version.card.durationMillis()).isEqualTo(1234L);
        assertThat(version.datasetSha256).isEqualTo(SHA256);
    }

    @Test
    void aRetrainWarmStartsFromTheLatestVersionWhenItsRecipeIsTheJobs() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(validated(datasetId, owner));
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic())) {
            Job first = TestData.job(awaitDispatched(jobs.submit(owner, new NewJob("daily-1", datasetId, null, 1,
                    null, null, null, "daily")).id()));
            succeed(first);

            // version 1 is tabular: the tabular retrain continues from it, the text job does not
            Job second = TestData.job(awaitDispatched(jobs.submit(owner, new NewJob("daily-2", datasetId, null, 1,
                    null, null, null, "daily")).id()));
            Job text = TestData.job(awaitDispatched(jobs.submit(owner, new NewJob("daily-text", datasetId,
                    "text-classification", 1, null, null, null, "daily")).id()));
            // version 2 is the text job's: the latest is of another recipe, so the next tabular job starts afresh
            succeed(text);
            // fresh: without a warm start it equals daily-1, whose version would answer it (ResultReuse)
            Job third = TestData.job(awaitDispatched(jobs.submit(owner, new NewJob("daily-3", datasetId, null, 1,
                    null, null, null, "daily", true)).id()));

            Set<UUID> mine = Set.of(first.id, second.id, text.id, third.id);
            await().atMost(WAIT).until(() -> dispatches.poll(mine).size() == 4);
            Map<UUID, TrainingDispatch> byJob = new HashMap<>();
            for (ConsumerRecord<String, String> r : dispatches.poll(mine)) {
                TrainingDispatch d = TestKafka.read(r, TrainingDispatch.class);
                byJob.put(d.jobId(), d);
            }
            assertThat(byJob.values()).extracting(TrainingDispatch::model).containsOnly("daily");
            assertThat(byJob.get(first.id).warmStartUri()).isNull();
            assertThat(byJob.get(second.id).warmStartUri()).isEqualTo(card(first, 0.9).artifactUri());
            assertThat(byJob.get(text.id).warmStartUri()).isNull();
            assertThat(byJob.get(third.id).warmStartUri()).isNull();
            assertThat(versions(owner, "daily")).extracting(v -> v.recipe)
                    .containsExactly("tabular-classification", "text-classification");
        }
    }

    private static void succeed(Job job) {
        TestData.publishTraining(succeeded(job, card(job, 0.9)));
        await().atMost(WAIT).until(() -> TestData.job(job.id).status == JobStatus.SUCCEEDED);
    }

    /** Waits until the dispatcher released the job (a free slot is needed: earlier jobs must have ended). */
    private static UUID awaitDispatched(UUID id) {
        await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.DISPATCHED);
        return id;
    }

    private static DatasetEvent validated(UUID datasetId, String owner) {
        DatasetEvent base = TestData.validated(datasetId, owner, 100);
        return new DatasetEvent(base.eventId(), base.type(), base.time(), base.sequence(), datasetId, owner,
                base.name(), base.objectKey(), base.rows(), base.bytes(), base.columns(), base.problems(), SHA256);
    }

    private static ModelCard card(Job job, double accuracy) {
        return new ModelCard(job.recipe, null, job.hyperparameters,
                Map.of(ModelCard.VALIDATION_ACCURACY, accuracy, ModelCard.VALIDATION_LOSS, 1 - accuracy),
                List.of(new ModelCard.ClassMetrics("ok", 0.9, 0.8, 0.85, 60),
                        new ModelCard.ClassMetrics("fail", 0.7, 0.8, 0.75, 40)),
                new ModelCard.ModelSchema(List.of(new ModelCard.Field("x", ModelCard.Field.NUMBER, null)),
                        List.of("fail", "ok")),
                42, 1500, "cpu", "s3://models/" + job.id + "/attempt-1/", null);
    }

    private static TrainingEvent succeeded(Job job, ModelCard card) {
        return new TrainingEvent(UUID.randomUUID(), TrainingEvent.SUCCEEDED, Instant.now(),
                TrainingEvent.sequenceBase(job.attempt) + 5, job.id, job.owner, job.attempt, "worker-test", "cpu",
                job.epochs, job.epochs, null, null, card.metrics().get(ModelCard.VALIDATION_LOSS),
                card.metrics().get(ModelCard.VALIDATION_ACCURACY), null, 1500L, 0L, card.artifactUri(), null, null,
                card);
    }

    private static List<ModelVersion> versions(String owner, String model) {
        return QuarkusTransaction.requiringNew().call(() -> ModelVersion.<ModelVersion>list(
                "owner = ?1 and model = ?2 order by version", owner, model));
    }
}
