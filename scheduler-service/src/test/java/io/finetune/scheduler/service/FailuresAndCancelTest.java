package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingControl;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.support.TestClock;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cancel in every state that holds a slot, lost heartbeats, infrastructure and user failures, and the
 * run-time limit, through the real broker; time moves by the test clock and the watchdog runs on demand.
 */
@QuarkusTest
class FailuresAndCancelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    JobService jobs;
    @Inject
    JobControl control;
    @Inject
    Watchdog watchdog;
    @Inject
    TestClock clock;
    @Inject
    EntityManager em;

    private String owner;

    @BeforeEach
    void reset() {
        TestData.reset(em);
        owner = TestData.randomOwner();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A job of a fresh owner, dispatched (attempt 1) and, when {@code start}, running. */
    private Job dispatched(String name, boolean start) {
        UUID datasetId = UUID.randomUUID();
        UUID id = jobs.submit(owner, new NewJob(name, datasetId, null, 1, null)).id();
        TestData.publishDataset(TestData.validated(datasetId, owner, 10));
        await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.DISPATCHED);
        if (start) {
            startAttempt(TestData.job(id));
        }
        return TestData.job(id);
    }

    private static void startAttempt(Job job) {
        TestData.publishTraining(TestData.training(TrainingEvent.STARTED, job, job.attempt, 1, null));
        await().atMost(WAIT).until(() -> TestData.job(job.id).status == JobStatus.RUNNING);
    }

    private static List<TrainingControl> commands(TestKafka.Tail tail, UUID id) {
        return tail.poll(Set.of(id)).stream().map(r -> TestKafka.read(r, TrainingControl.class)).toList();
    }

    @Test
    void cancellingARunningJobTellsItsTrainerAndEndsWhenTheTrainerConfirms() {
        try (var control = TestKafka.Tail.fromEnd(Topics.TRAINING_CONTROL)) {
            Job job = dispatched("running", true);

            JobControl.Cancelled cancelled = this.control.cancel(owner, job.id);
            assertThat(cancelled.done()).isFalse();
            assertThat(cancelled.job().status()).isEqualTo(JobStatus.RUNNING);
            // asking twice sends one command
            this.control.cancel(owner, job.id);
            await().atMost(WAIT).until(() -> commands(control, job.id).size() == 1);
            TrainingControl command = commands(control, job.id).get(0);
            assertThat(command.type()).isEqualTo(TrainingControl.CANCEL);
            assertThat(command.attempt()).isEqualTo(1);

            TestData.publishTraining(TestData.training(TrainingEvent.CANCELLED, job, 1, 5, null));
            await().atMost(WAIT).until(() -> TestData.job(job.id).status == JobStatus.CANCELLED);
            assertThat(TestData.job(job.id).reason).isEqualTo("cancelled by the owner");
            assertThat(commands(control, job.id)).hasSize(1);
        }
    }

    @Test
    void aDispatchedJobWhoseTrainerNeverConfirmsIsCancelledAfterTheTimeout() {
        try (var control = TestKafka.Tail.fromEnd(Topics.TRAINING_CONTROL)) {
            Job job = dispatched("dispatched", false);
            assertThat(this.control.cancel(owner, job.id).done()).isFalse();
            await().atMost(WAIT).until(() -> commands(control, job.id).size() == 1);

            clock.advance(Duration.ofMinutes(1));
            watchdog.check();
            assertThat(TestData.job(job.id).status).isEqualTo(JobStatus.DISPATCHED);

            clock.advance(Duration.ofMinutes(2));
            watchdog.check();
            Job cancelled = TestData.job(job.id);
            assertThat(cancelled.status).isEqualTo(JobStatus.CANCELLED);
            assertThat(cancelled.reason).contains("did not confirm");
        }
    }

    @Test
    void aQueuedJobLeavesTheQueueAtOnce() {
        // the owner's two running jobs fill its quota: the third waits in the queue
        dispatched("first", false);
        dispatched("second", false);
        UUID datasetId = UUID.randomUUID();
        UUID id = jobs.submit(owner, new NewJob("third", datasetId, null, 1, null)).id();
        TestData.publishDataset(TestData.validated(datasetId, owner, 10));
        await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.QUEUED);

        JobControl.Cancelled cancelled = control.cancel(owner, id);
        assertThat(cancelled.done()).isTrue();
        assertThat(TestData.job(id).status).isEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void aSilentJobIsRequeuedForItsNextAttemptAndFailsAfterTheLast() {
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic());
                var control = TestKafka.Tail.fromEnd(Topics.TRAINING_CONTROL)) {
            Job job = dispatched("silent", true);

            // a heartbeat keeps it alive ...
            clock.advance(Duration.ofSeconds(90));
            TestData.publishTraining(TestData.training(TrainingEvent.HEARTBEAT, job, 1, 2, null));
            await().atMost(WAIT).until(() -> TestData.job(job.id).lastSeenAt.isAfter(job.lastSeenAt));
            clock.advance(Duration.ofSeconds(90));
            assertThat(watchdog.check()).isZero();

            // ... silence beyond the timeout requeues it, and the old attempt is told to stop
            for (int attempt = 1; attempt <= 3; attempt++) {
                Job current = TestData.job(job.id);
                assertThat(current.attempt).isEqualTo(attempt);
                clock.advance(Duration.ofMinutes(3));
                assertThat(watchdog.check()).isEqualTo(1);
                if (attempt < 3) {
                    int next = attempt + 1;
                    await().atMost(WAIT).until(() -> TestData.job(job.id).status == JobStatus.DISPATCHED
                            && TestData.job(job.id).attempt == next);
                    startAttempt(TestData.job(job.id));
                }
            }
            Job failed = TestData.job(job.id);
            assertThat(failed.status).isEqualTo(JobStatus.FAILED);
            assertThat(failed.reason).contains("no heartbeat", "after 3 attempts");
            await().atMost(WAIT).until(() -> dispatches.poll(Set.of(job.id)).size() == 3);
            assertThat(dispatches.poll(Set.of(job.id))).extracting(r -> TestKafka.read(r, TrainingDispatch.class)
                    .attempt()).containsExactly(1, 2, 3);
            await().atMost(WAIT).until(() -> commands(control, job.id).size() == 3);
            assertThat(commands(control, job.id)).extracting(TrainingControl::attempt).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aDispatchedJobNoTrainerStartsIsRequeuedAfterTheStartTimeout() {
        Job job = dispatched("never-started", false);
        clock.advance(Duration.ofMinutes(14));
        assertThat(watchdog.check()).as("a GPU pod may take minutes to start").isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(watchdog.check()).isEqualTo(1);
        await().atMost(WAIT).until(() -> TestData.job(job.id).attempt == 2
                && TestData.job(job.id).status == JobStatus.DISPATCHED);
    }

    @Test
    void anInfrastructureFailureIsRetriedAndAUserDataFailureIsNot() {
        Job infra = dispatched("infra", true);
        TestData.publishTraining(TestData.training(TrainingEvent.FAILED, infra, 1, 2, "node lost",
                TrainingEvent.INFRASTRUCTURE));
        await().atMost(WAIT).until(() -> TestData.job(infra.id).attempt == 2
                && TestData.job(infra.id).status == JobStatus.DISPATCHED);

        Job data = dispatched("data", true);
        TestData.publishTraining(TestData.training(TrainingEvent.FAILED, data, 1, 2, "line 7: not a number",
                TrainingEvent.USER_DATA));
        await().atMost(WAIT).until(() -> TestData.job(data.id).status == JobStatus.FAILED);
        assertThat(TestData.job(data.id).reason).isEqualTo("line 7: not a number");
        assertThat(TestData.job(data.id).attempt).isEqualTo(1);
    }

    @Test
    void aJobRunningPastTheLimitIsStoppedAndTimedOut() {
        try (var control = TestKafka.Tail.fromEnd(Topics.TRAINING_CONTROL)) {
            Job job = dispatched("endless", true);
            clock.advance(Duration.ofDays(3).minusMinutes(1));
            TestData.publishTraining(TestData.training(TrainingEvent.HEARTBEAT, job, 1, 2, null));
            await().atMost(WAIT).until(() -> TestData.job(job.id).lastSeenAt.isAfter(job.lastSeenAt));
            assertThat(watchdog.check()).isZero();

            clock.advance(Duration.ofMinutes(2));
            assertThat(watchdog.check()).isEqualTo(1);
            Job timedOut = TestData.job(job.id);
            assertThat(timedOut.status).isEqualTo(JobStatus.TIMED_OUT);
            assertThat(timedOut.reason).contains("PT72H");
            await().atMost(WAIT).until(() -> commands(control, job.id).size() == 1);
            assertThat(commands(control, job.id).get(0).type()).isEqualTo(TrainingControl.CANCEL);
        }
    }
}
