package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Schedule;
import io.finetune.scheduler.entity.ScheduleRun;
import io.finetune.scheduler.support.TestClock;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recurring training through the real broker and database, time moved by the test clock and the
 * schedules' tick run on demand: a schedule fires once per fire time (also when ticked twice at
 * once), trains on the newest dataset of its prefix and warm-starts from the previous run's version;
 * a failed run is retried with doubling backoff and given up; a run past its SLA is flagged once.
 */
@QuarkusTest
class RecurringTrainingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration BACKOFF = Duration.ofMinutes(5);

    @Inject
    ScheduleService schedules;
    @Inject
    RecurringTraining recurring;
    @Inject
    TestClock clock;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        clock.reset();
        TestData.reset(em);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void firesOncePerFireTimeOnTheNewestDatasetAndWarmStartsFromThePreviousRun() throws Exception {
        String owner = TestData.randomOwner();
        UUID older = dataset(owner, "sales-2026-11-24.csv", Instant.now().minus(Duration.ofHours(2)));
        UUID newest = dataset(owner, "sales-2026-11-25.csv", Instant.now().minus(Duration.ofHours(1)));
        dataset(owner, "other.csv", Instant.now());
        ScheduleView schedule = schedules.create(owner, new NewSchedule("sales", "0 3 * * *", null, "sales-",
                "sales-model", null, 1, null, null, null, null, null, null));
        assertThat(schedule.nextFireAt()).isAfter(clock.now());
        assertThat(older).isNotEqualTo(newest);

        recurring.tick();
        assertThat(runs(schedule.id())).as("not due yet").isEmpty();

        moveTo(schedule.nextFireAt());
        recurring.tick();
        recurring.tick();
        List<ScheduleRun> runs = runs(schedule.id());
        assertThat(runs).hasSize(1);
        ScheduleRun first = runs.get(0);
        assertThat(first.fireTime).isEqualTo(schedule.nextFireAt());
        assertThat(first.status).isEqualTo(ScheduleRun.SUBMITTED);
        Job firstJob = TestData.job(first.jobId);
        assertThat(firstJob.datasetId).isEqualTo(newest);
        assertThat(firstJob.model).isEqualTo("sales-model");
        assertThat(firstJob.name).isEqualTo("sales-" + ScheduleService.RUN_SUFFIX.format(first.fireTime));
        assertThat(jobsOf(owner)).hasSize(1);
        // a replica (or this one after a restart) firing the same time again makes nothing
        assertThat(QuarkusTransaction.requiringNew().call(() -> recurring.fire(schedule.id(), first.fireTime,
                clock.now()))).isFalse();

        // the first run's job succeeds; the next day's run continues from its version
        await().atMost(WAIT).until(() -> TestData.job(first.jobId).status == JobStatus.DISPATCHED);
        TestData.publishTraining(TestData.training(TrainingEvent.SUCCEEDED, firstJob, 1, 5, null));
        await().atMost(WAIT).until(() -> TestData.job(first.jobId).status == JobStatus.SUCCEEDED);
        recurring.tick();
        assertThat(runs(schedule.id()).get(0).status).isEqualTo(ScheduleRun.SUCCEEDED);

        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic())) {
            moveTo(first.fireTime.plus(Duration.ofDays(1)));
            // two replicas tick at the same moment
            tickTogether(2);
            runs = runs(schedule.id());
            assertThat(runs).hasSize(2);
            ScheduleRun second = runs.get(0);
            assertThat(second.fireTime).isEqualTo(first.fireTime.plus(Duration.ofDays(1)));
            assertThat(jobsOf(owner)).hasSize(2);
            await().atMost(WAIT).until(() -> dispatches.poll(Set.of(second.jobId)).size() == 1);
            JsonNode dispatch = TestKafka.read(dispatches.poll(Set.of(second.jobId)).get(0), JsonNode.class);
            assertThat(dispatch.path("model").asText()).isEqualTo("sales-model");
            assertThat(dispatch.path("warmStartUri").asText()).isEqualTo("s3://models/" + first.jobId);
        }
    }

    @Test
    void aFailedRunIsRetriedWithDoublingBackoffAndThenGivenUp() {
        String owner = TestData.randomOwner();
        ScheduleView schedule = schedules.create(owner, new NewSchedule("nightly", "30 1 * * *", "Europe/Zurich",
                "nightly-", null, null, 1, null, null, null, null, 2, null));
        moveTo(schedule.nextFireAt());

        // try 1: no dataset of the prefix yet
        Instant before = clock.now();
        recurring.tick();
        ScheduleRun run = runs(schedule.id()).get(0);
        assertThat(run.status).isEqualTo(ScheduleRun.PENDING);
        assertThat(run.attempt).isEqualTo(2);
        assertThat(run.reason).contains("no validated dataset whose name starts with 'nightly-'");
        assertThat(run.nextTryAt).isBetween(before.plus(BACKOFF), clock.now().plus(BACKOFF));
        recurring.tick();
        assertThat(runs(schedule.id()).get(0).attempt).as("not before its backoff").isEqualTo(2);

        // try 2: still none; the next wait is twice as long
        clock.advance(BACKOFF);
        before = clock.now();
        recurring.tick();
        run = runs(schedule.id()).get(0);
        assertThat(run.attempt).isEqualTo(3);
        assertThat(run.nextTryAt).isBetween(before.plus(BACKOFF.multipliedBy(2)),
                clock.now().plus(BACKOFF.multipliedBy(2)));

        // try 3: the dataset is there, the job is submitted, and fails on its data
        UUID datasetId = dataset(owner, "nightly-1.csv", Instant.now());
        clock.advance(BACKOFF.multipliedBy(2));
        recurring.tick();
        run = runs(schedule.id()).get(0);
        assertThat(run.status).isEqualTo(ScheduleRun.SUBMITTED);
        Job job = TestData.job(run.jobId);
        assertThat(job.datasetId).isEqualTo(datasetId);
        assertThat(job.name).endsWith("-3");
        UUID jobId = job.id;
        await().atMost(WAIT).until(() -> TestData.job(jobId).status == JobStatus.DISPATCHED);
        TestData.publishTraining(TestData.training(TrainingEvent.FAILED, job, 1, 2, "label column is empty",
                TrainingEvent.USER_DATA));
        await().atMost(WAIT).until(() -> TestData.job(jobId).status == JobStatus.FAILED);

        recurring.tick();
        run = runs(schedule.id()).get(0);
        assertThat(run.status).isEqualTo(ScheduleRun.FAILED);
        assertThat(run.reason).contains("label column is empty").contains("gave up after 3 tries");
        assertThat(run.finishedAt).isNotNull();
    }

    @Test
    void aRunPastItsSlaIsFlagedOnceInItsJobsEventsAndOneInTimeIsNot() {
        String owner = TestData.randomOwner();
        dataset(owner, "hourly-1.csv", Instant.now());
        ScheduleView late = schedules.create(owner, new NewSchedule("late", "0 * * * *", null, "hourly-", null,
                null, 1, null, null, null, "PT1H", null, null));
        ScheduleView onTime = schedules.create(owner, new NewSchedule("on-time", "0 * * * *", null, "hourly-", null,
                null, 1, null, null, null, "PT1H", null, null));
        moveTo(late.nextFireAt());
        recurring.tick();
        UUID lateJob = runs(late.id()).get(0).jobId;
        Job done = TestData.job(runs(onTime.id()).get(0).jobId);
        await().atMost(WAIT).until(() -> TestData.job(done.id).status == JobStatus.DISPATCHED);
        TestData.publishTraining(TestData.training(TrainingEvent.SUCCEEDED, done, 1, 5, null));
        await().atMost(WAIT).until(() -> TestData.job(done.id).status == JobStatus.SUCCEEDED);
        // the schedules' own next fires are not what this test is about
        QuarkusTransaction.requiringNew().run(() -> Schedule.update("enabled = false, nextFireAt = null where owner = ?1",
                owner));

        try (var events = TestKafka.Tail.fromEnd(Topics.JOBS_EVENTS)) {
            clock.advance(Duration.ofMinutes(59));
            recurring.tick();
            assertThat(runs(late.id()).get(0).slaMissedAt).as("within its SLA").isNull();

            clock.advance(Duration.ofMinutes(2));
            recurring.tick();
            recurring.tick();
            assertThat(runs(late.id()).get(0).slaMissedAt).isNotNull();
            assertThat(runs(onTime.id()).get(0).slaMissedAt).isNull();
            await().atMost(WAIT).until(() -> flags(events, lateJob).size() == 1);
            JobEvent flag = flags(events, lateJob).get(0);
            assertThat(flag.status()).isIn(JobStatus.QUEUED, JobStatus.DISPATCHED);
            assertThat(flag.reason()).contains("missed its SLA").contains("PT1H");
            assertThat(flag.sequence()).isGreaterThan(1);
            assertThat(flags(events, done.id)).isEmpty();
        }
    }

    private static List<JobEvent> flags(TestKafka.Tail events, UUID job) {
        return events.poll(Set.of(job)).stream().map(r -> TestKafka.read(r, JobEvent.class))
                .filter(e -> RecurringTraining.SLA_MISSED.equals(e.type())).toList();
    }

    private void tickTogether(int replicas) throws Exception {
        CyclicBarrier together = new CyclicBarrier(replicas);
        ExecutorService threads = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                done.add(threads.submit(() -> {
                    together.await();
                    recurring.tick();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Moves the test clock just past {@code time}. */
    private void moveTo(Instant time) {
        clock.advance(Duration.between(clock.now(), time).plusSeconds(1));
    }

    /** A validated dataset of the owner, as dataset-service reports it; waits until this service knows it. */
    private static UUID dataset(String owner, String name, Instant validatedAt) {
        UUID id = UUID.randomUUID();
        DatasetEvent base = TestData.validated(id, owner, 100);
        TestData.publishDataset(new DatasetEvent(base.eventId(), base.type(), validatedAt, base.sequence(), id, owner,
                name, base.objectKey(), base.rows(), base.bytes(), base.columns(), base.problems(), base.sha256()));
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> Dataset.findById(id) != null));
        return id;
    }

    private static List<ScheduleRun> runs(UUID scheduleId) {
        return QuarkusTransaction.requiringNew().call(() -> ScheduleRun.<ScheduleRun>list(
                "scheduleId = ?1 order by fireTime desc", scheduleId));
    }

    private static List<Job> jobsOf(String owner) {
        return QuarkusTransaction.requiringNew().call(() -> Job.<Job>list("owner", owner));
    }
}
