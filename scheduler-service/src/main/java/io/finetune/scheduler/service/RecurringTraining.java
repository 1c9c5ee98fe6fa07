package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.scheduler.config.RecurringConfig;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Schedule;
import io.finetune.scheduler.entity.ScheduleRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Runs the schedules (docs/scheduling.md, "Recurring training"), on a periodic tick that reads the
 * injectable {@link Clock}: fires due schedules (one run per (schedule, fire time), however many
 * replicas tick), submits each pending run's job on the owner's newest validated dataset of the
 * schedule's prefix, retries a failed run with exponential backoff, and flags a run that misses its SLA.
 */
@ApplicationScoped
public class RecurringTraining {

    /** The {@code jobs.events} type of the flag on a run's job that missed its schedule's SLA. */
    public static final String SLA_MISSED = "job.sla-missed";

    private static final Logger LOG = Logger.getLogger(RecurringTraining.class);

    private final JobService jobs;
    private final JobTransitions transitions;
    private final RecurringConfig config;
    private final Clock clock;

    RecurringTraining(JobService jobs, JobTransitions transitions, RecurringConfig config, Clock clock) {
        this.jobs = jobs;
        this.transitions = transitions;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${scheduler.schedules.tick}", identity = "schedules-tick",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        tick();
    }

    /** One round at the clock's now; each step in transactions of its own, so one bad run stops nothing else. */
    public void tick() {
        Instant now = clock.now();
        QuarkusTransaction.requiringNew().run(() -> fireDue(now));
        for (ScheduleRun.Key run : QuarkusTransaction.requiringNew().call(() -> pendingDue(now))) {
            submit(run, now);
        }
        QuarkusTransaction.requiringNew().run(() -> followSubmitted(now));
        QuarkusTransaction.requiringNew().run(() -> flagMissedSlas(now));
    }

    /**
     * Records the run of {@code fireTime}; false when it exists already (another replica, or this
     * one before a restart, fired it). The primary key decides, so two concurrent fires make one run.
     */
    public boolean fire(UUID scheduleId, Instant fireTime, Instant now) {
        return Schedule.getEntityManager().createNativeQuery("""
                        insert into schedule_run (schedule_id, fire_time, attempt, status, next_try_at, created_at)
                        values (?1, ?2, 1, ?3, ?4, ?4)
                        on conflict do nothing""")
                .setParameter(1, scheduleId)
                .setParameter(2, fireTime)
                .setParameter(3, ScheduleRun.PENDING)
                .setParameter(4, now)
                .executeUpdate() == 1;
    }

    /**
     * Due schedules fire once for the latest fire time passed: after a downtime the missed older
     * times are skipped, not made up in a burst. Rows another replica is firing are skipped.
     */
    private void fireDue(Instant now) {
        @SuppressWarnings("unchecked")
        List<Schedule> due = Schedule.getEntityManager().createNativeQuery(
                        "select * from schedule where enabled and next_fire_at <= ?1 for update skip locked",
                        Schedule.class)
                .setParameter(1, now)
                .getResultList();
        for (Schedule schedule : due) {
            CronTimes times = CronTimes.of(schedule.cron, ZoneId.of(schedule.timeZone));
            Instant fireTime = schedule.nextFireAt;
            Optional<Instant> next = times.next(fireTime);
            while (next.isPresent() && !next.get().isAfter(now)) {
                fireTime = next.get();
                next = times.next(fireTime);
            }
            schedule.nextFireAt = next.orElse(null);
            if (fire(schedule.id, fireTime, now)) {
                LOG.infof("Schedule %s (%s) fired for %s", schedule.id, schedule.name, fireTime);
            }
        }
    }

    private static List<ScheduleRun.Key> pendingDue(Instant now) {
        return ScheduleRun.<ScheduleRun>list("status = ?1 and nextTryAt <= ?2 order by nextTryAt",
                        ScheduleRun.PENDING, now).stream()
                .map(run -> key(run.scheduleId, run.fireTime)).toList();
    }

    /** A pending run's job, as the owner would submit it; a refusal (no dataset, a quota) is a failed try. */
    private void submit(ScheduleRun.Key key, Instant now) {
        Optional<Submission> submission = QuarkusTransaction.requiringNew().call(() -> submission(key));
        if (submission.isEmpty()) {
            return;
        }
        Submission s = submission.get();
        if (s.request() == null) {
            QuarkusTransaction.requiringNew().run(() -> failed(key, s.attempt(), s.failure(), now));
            return;
        }
        try {
            UUID jobId = QuarkusTransaction.requiringNew().call(() -> jobs.submit(s.owner(), s.request(),
                    s.idempotencyKey()).job().id());
            QuarkusTransaction.requiringNew().run(() -> submitted(key, s.attempt(), jobId));
        } catch (ProblemException e) {
            QuarkusTransaction.requiringNew().run(() -> failed(key, s.attempt(), "job not accepted: "
                    + describe(e.problem()), now));
        }
    }

    /**
     * What a try of the run submits; {@code request} null with a {@code failure} when it cannot.
     * The Idempotency-Key names the run and try, so a try submitted again (two replicas, a crash
     * before the run recorded its job) gets the job the first made.
     */
    private record Submission(String owner, int attempt, NewJob request, String idempotencyKey, String failure) {
    }

    private static Optional<Submission> submission(ScheduleRun.Key key) {
        ScheduleRun run = ScheduleRun.findById(key);
        if (run == null || !ScheduleRun.PENDING.equals(run.status)) {
            return Optional.empty();
        }
        Schedule schedule = Schedule.findById(run.scheduleId);
        String idempotencyKey = "schedule/" + schedule.id + "/" + run.fireTime + "/" + run.attempt;
        Optional<Job> earlier = Job.byIdempotencyKey(schedule.owner, idempotencyKey);
        Optional<Dataset> dataset = earlier.isPresent() ? Optional.ofNullable(Dataset.findById(earlier.get().datasetId))
                : newestDataset(schedule.owner, schedule.datasetPrefix);
        if (dataset.isEmpty()) {
            return Optional.of(new Submission(schedule.owner, run.attempt, null, idempotencyKey,
                    "no validated dataset whose name starts with '" + schedule.datasetPrefix + "'"));
        }
        String jobName = schedule.name + "-" + ScheduleService.RUN_SUFFIX.format(run.fireTime)
                + (run.attempt > 1 ? "-" + run.attempt : "");
        NewJob request = new NewJob(jobName, dataset.get().id, schedule.recipe, schedule.epochs,
                schedule.hyperparameters, schedule.profile, schedule.priorityClass, schedule.model);
        return Optional.of(new Submission(schedule.owner, run.attempt, request, idempotencyKey, null));
    }

    /** The owner's newest validated dataset whose name starts with the prefix: "the newest version". */
    static Optional<Dataset> newestDataset(String owner, String prefix) {
        return Dataset.find("owner = ?1 and status = ?2 and left(name, length(?3)) = ?3"
                        + " order by validatedAt desc nulls last, name desc", owner, Dataset.VALIDATED, prefix)
                .firstResultOptional();
    }

    private static void submitted(ScheduleRun.Key key, int attempt, UUID jobId) {
        ScheduleRun run = ScheduleRun.findById(key, LockModeType.PESSIMISTIC_WRITE);
        if (run != null && run.attempt == attempt && ScheduleRun.PENDING.equals(run.status)) {
            run.status = ScheduleRun.SUBMITTED;
            run.jobId = jobId;
            run.nextTryAt = null;
        }
    }

    /** A try failed: the run is tried again after its backoff, or given up after the schedule's retries. */
    private void failed(ScheduleRun.Key key, int attempt, String why, Instant now) {
        ScheduleRun run = ScheduleRun.findById(key, LockModeType.PESSIMISTIC_WRITE);
        // another replica already counted this try's failure
        if (run == null || run.attempt != attempt || !run.isOpen()) {
            return;
        }
        Schedule schedule = Schedule.findById(run.scheduleId);
        if (run.attempt > schedule.maxRetries) {
            run.status = ScheduleRun.FAILED;
            run.reason = why + "; gave up after " + run.attempt + (run.attempt == 1 ? " try" : " tries");
            run.nextTryAt = null;
            run.finishedAt = now;
        } else {
            Duration backoff = backoff(run.attempt);
            run.attempt++;
            run.status = ScheduleRun.PENDING;
            run.jobId = null;
            run.nextTryAt = now.plus(backoff);
            run.reason = why + "; try " + run.attempt + " of " + (schedule.maxRetries + 1) + " in " + backoff;
        }
        LOG.infof("Schedule %s run of %s: %s", schedule.name, run.fireTime, run.reason);
    }

    /** The wait after failed try {@code attempt}: the configured backoff, doubled for each try before. */
    Duration backoff(int attempt) {
        return config.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
    }

    /** A submitted run ends with its job: succeeded; failed or timed out (retried); cancelled by the owner (not retried). */
    private void followSubmitted(Instant now) {
        List<ScheduleRun> runs = ScheduleRun.find("status", ScheduleRun.SUBMITTED)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
        for (ScheduleRun run : runs) {
            Job job = Job.findById(run.jobId);
            if (job == null) {
                continue;
            }
            switch (job.status) {
                case SUCCEEDED -> {
                    run.status = ScheduleRun.SUCCEEDED;
                    run.reason = job.reason;
                    run.finishedAt = job.finishedAt;
                }
                case CANCELLED -> {
                    run.status = ScheduleRun.CANCELLED;
                    run.reason = "job " + job.name + " cancelled: " + job.reason;
                    run.finishedAt = job.finishedAt;
                }
                case FAILED, TIMED_OUT -> failed(key(run.scheduleId, run.fireTime), run.attempt,
                        "job " + job.name + " " + job.status.wireName() + ": " + job.reason, now);
                default -> {
                    // still on its way
                }
            }
        }
    }

    /**
     * A run not succeeded by its fire time + the schedule's SLA is flagged once: on the run, and as a
     * {@value #SLA_MISSED} event of its current job. A run that succeeded in time never is.
     */
    private void flagMissedSlas(Instant now) {
        @SuppressWarnings("unchecked")
        List<Object[]> missed = Schedule.getEntityManager().createNativeQuery("""
                        select cast(r.schedule_id as text), r.fire_time, s.sla_seconds
                        from schedule_run r
                        join schedule s on s.id = r.schedule_id
                        left join job j on j.id = r.job_id
                        where s.sla_seconds is not null and r.sla_missed_at is null
                          and r.fire_time + s.sla_seconds * interval '1 second' < ?1
                          and not (r.status = ?2 and j.finished_at <= r.fire_time + s.sla_seconds * interval '1 second')
                        for update of r skip locked""")
                .setParameter(1, now)
                .setParameter(2, ScheduleRun.SUCCEEDED)
                .getResultList();
        for (Object[] row : missed) {
            ScheduleRun run = ScheduleRun.findById(key(UUID.fromString((String) row[0]), toInstant(row[1])));
            Schedule schedule = Schedule.findById(run.scheduleId);
            Duration sla = Duration.ofSeconds(((Number) row[2]).longValue());
            run.slaMissedAt = now;
            String reason = "missed its SLA: the run of schedule " + schedule.name + " fired at " + run.fireTime
                    + " was not done within " + sla + " (by " + run.fireTime.plus(sla) + ")";
            if (run.jobId != null) {
                Job job = Job.findById(run.jobId, LockModeType.PESSIMISTIC_WRITE);
                transitions.flag(job, SLA_MISSED, reason);
            }
            LOG.infof("Schedule %s: run of %s %s", schedule.name, run.fireTime, reason);
        }
    }

    private static Instant toInstant(Object value) {
        return value instanceof Instant i ? i : value instanceof OffsetDateTime o ? o.toInstant()
                : ((Timestamp) value).toInstant();
    }

    private static ScheduleRun.Key key(UUID scheduleId, Instant fireTime) {
        ScheduleRun.Key key = new ScheduleRun.Key();
        key.scheduleId = scheduleId;
        key.fireTime = fireTime;
        return key;
    }

    private static String describe(Problem problem) {
        String errors = problem.errors() == null ? "" : problem.errors().stream()
                .map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
        return problem.detail() + (errors.isEmpty() ? "" : " (" + errors + ")");
    }
}
