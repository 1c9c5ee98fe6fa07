package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingControl;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.support.TestClock;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An interactive job kept waiting by lower-class work preempts the lowest-priority running job, which resumes later. */
@QuarkusTest
class PreemptionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    JobService jobs;
    @Inject
    Watchdog watchdog;
    @Inject
    TestClock clock;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private UUID submit(String name, String priorityClass) {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        UUID id = jobs.submit(owner, new NewJob(name, datasetId, null, 1, null, "production", priorityClass)).id();
        TestData.publishDataset(TestData.validated(datasetId, owner, 10));
        return id;
    }

    private static UUID running(UUID id) {
        await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.DISPATCHED);
        Job job = TestData.job(id);
        TestData.publishTraining(TestData.training(TrainingEvent.STARTED, job, job.attempt, 1, null));
        await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.RUNNING);
        return id;
    }

    /** Time passes, the trainers keep sending heartbeats (so only preemption is at stake), the watchdog runs. */
    private int later(Duration by, UUID... alive) {
        clock.advance(by);
        for (UUID id : alive) {
            Job job = TestData.job(id);
            Instant seen = job.lastSeenAt;
            TestData.publishTraining(TestData.training(TrainingEvent.HEARTBEAT, job, job.attempt, 2, null));
            await().atMost(WAIT).until(() -> TestData.job(id).lastSeenAt.isAfter(seen));
        }
        return watchdog.check();
    }

    @Test
    void theLowestClassRunningJobIsPreemptedOnceItHasRunTheMinimumTime() {
        try (var control = TestKafka.Tail.fromEnd(Topics.TRAINING_CONTROL)) {
            // both production slots run lower-class work
            UUID batch = running(submit("batch", "batch"));
            UUID production = running(submit("production", "production"));
            UUID interactive = submit("interactive", "interactive");
            await().atMost(WAIT).until(() -> TestData.job(interactive).status == JobStatus.QUEUED);

            // waited past the threshold, but the running jobs are younger than the minimum run time
            assertThat(later(Duration.ofMinutes(6), batch, production)).isZero();
            // both have now run 16 minutes: the batch job goes
            assertThat(later(Duration.ofMinutes(10), batch, production)).isEqualTo(1);
            await().atMost(WAIT).until(() -> !control.poll(Set.of(batch, production)).isEmpty());
            List<TrainingControl> commands = control.poll(Set.of(batch, production)).stream()
                    .map(r -> TestKafka.read(r, TrainingControl.class)).toList();
            assertThat(commands).singleElement().satisfies(c -> {
                assertThat(c.jobId()).isEqualTo(batch);
                assertThat(c.type()).isEqualTo(TrainingControl.PREEMPT);
                assertThat(c.attempt()).isEqualTo(1);
            });
            // one preemption at a time: nothing more while the trainer checkpoints
            assertThat(later(Duration.ofMinutes(1), batch, production)).isZero();

            Job stopping = TestData.job(batch);
            TestData.publishTraining(TestData.training(TrainingEvent.PREEMPTED, stopping, 1, 3, null));
            await().atMost(WAIT).until(() -> TestData.job(interactive).status == JobStatus.DISPATCHED);
            Job requeued = TestData.job(batch);
            assertThat(requeued.status).isEqualTo(JobStatus.QUEUED);
            assertThat(requeued.reason).contains("preempted");
            assertThat(requeued.preemptRequestedAt).isNull();
            assertThat(TestData.job(production).status).isEqualTo(JobStatus.RUNNING);
        }
    }
}
