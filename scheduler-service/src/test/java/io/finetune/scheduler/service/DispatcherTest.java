package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The queue against two trainer slots, driven through the real topics as trainers would drive it. */
@QuarkusTest
class DispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Longer than a dispatcher tick and many relay ticks: what has not appeared by then will not. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void releasesTheSmallestJobsIntoFreeSlotsAndTheNextWhenOneFinishes() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic());
                var jobEvents = TestKafka.Tail.fromEnd(Topics.JOBS_EVENTS)) {
            UUID large = jobs.submit(owner, new NewJob("large", datasetId, null, 3, null)).id();
            UUID small = jobs.submit(owner, new NewJob("small", datasetId, null, 1, null)).id();
            UUID medium = jobs.submit(owner, new NewJob("medium", datasetId, null, 2, null)).id();
            Set<UUID> mine = Set.of(large, small, medium);

            // large enough that the jobs' cost handicaps differ by hours, not by the milliseconds between
            // their queued times on a loaded machine
            TestData.publishDataset(TestData.validated(datasetId, owner, 10_000_000));

            await().atMost(WAIT).until(() -> dispatches.poll(mine).size() >= 2);
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5)).until(() -> dispatches.poll(mine).size() == 2);
            List<TrainingDispatch> released = dispatched(dispatches, mine);
            assertThat(released).extracting(TrainingDispatch::jobId).containsExactlyInAnyOrder(small, medium);
            TrainingDispatch first = released.stream().filter(d -> d.jobId().equals(small)).findFirst().orElseThrow();
            assertThat(first.type()).isEqualTo(TrainingDispatch.TYPE);
            assertThat(first.attempt()).isEqualTo(1);
            assertThat(first.sequence()).isEqualTo(3);
            assertThat(first.owner()).isEqualTo(owner);
            assertThat(first.datasetObjectKey()).isEqualTo("datasets/" + owner + "/" + datasetId + ".csv");
            assertThat(first.recipe()).isEqualTo("tabular-classification");
            assertThat(first.epochs()).isEqualTo(1);
            assertThat(first.hyperparameters()).containsEntry("batchSize", 32);
            assertThat(TestData.job(large).status).isEqualTo(JobStatus.QUEUED);

            Job smallJob = TestData.job(small);
            TrainingEvent succeeded = TestData.training(TrainingEvent.SUCCEEDED, smallJob, 1, 2, null);
            TestData.publishTraining(TestData.training(TrainingEvent.STARTED, smallJob, 1, 1, null));
            TestData.publishTraining(succeeded);

            await().atMost(WAIT).until(() -> dispatches.poll(mine).size() == 3);
            assertThat(dispatched(dispatches, mine).get(2).jobId()).isEqualTo(large);
            Job finished = TestData.job(small);
            assertThat(finished.status).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(finished.startedAt).isNotNull();
            assertThat(finished.finishedAt).isNotNull();
            assertThat(finished.sequence).isEqualTo(5);

            // every transition of the finished job, in order, with a growing sequence
            await().atMost(WAIT).until(() -> jobEvents.poll(Set.of(small)).size() >= 5);
            List<JobEvent> history = jobEvents.poll(Set.of(small)).stream()
                    .map(r -> TestKafka.read(r, JobEvent.class)).toList();
            assertThat(history).extracting(JobEvent::status).containsExactly(JobStatus.VALIDATING, JobStatus.QUEUED,
                    JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
            assertThat(history).extracting(JobEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);

            // a redelivered event changes nothing, and no further slot is given away for it
            TestData.publishTraining(succeeded);
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5)).until(() ->
                    jobEvents.poll(Set.of(small)).size() == 5 && dispatches.poll(mine).size() == 3);
            assertThat(TestData.job(small).sequence).isEqualTo(5);
        }
    }

    @Test
    void ignoresEventsOfAnotherAttempt() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        UUID id = jobs.submit(owner, new NewJob("attempts", datasetId, null, 1, null)).id();
        TestData.publishDataset(TestData.validated(datasetId, owner, 10));
        await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.DISPATCHED);
        Job job = TestData.job(id);

        // both keyed by the job id: the stale one is consumed first
        TestData.publishTraining(TestData.training(TrainingEvent.FAILED, job, 2, 1, "from another attempt"));
        TestData.publishTraining(TestData.training(TrainingEvent.STARTED, job, 1, 1, null));

        await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.RUNNING);
        Job running = TestData.job(id);
        assertThat(running.sequence).isEqualTo(4);
        assertThat(running.reason).isNull();
    }

    private static List<TrainingDispatch> dispatched(TestKafka.Tail tail, Set<UUID> mine) {
        return tail.poll(mine).stream().map(r -> TestKafka.read(r, TrainingDispatch.class)).toList();
    }
}
