package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingControl;
import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Job;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Looks after the jobs that hold slots: a job past the run-time limit is stopped and timed out, a
 * running job whose trainer went silent is requeued (or failed after its last attempt), and a
 * cancel its trainer never confirmed is completed.
 */
@ApplicationScoped
public class Watchdog {

    private static final Logger LOG = Logger.getLogger(Watchdog.class);

    private final SchedulerConfig config;
    private final JobTransitions transitions;
    private final Clock clock;
    /** Silence while this service was down is not the trainer's: nobody was listening. */
    private volatile Instant listeningSince;

    Watchdog(SchedulerConfig config, JobTransitions transitions, Clock clock) {
        this.config = config;
        this.transitions = transitions;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        listeningSince = clock.now();
    }

    @Scheduled(every = "${scheduler.watchdog-tick}", identity = "watchdog-tick")
    void tick() {
        check();
    }

    /** One round over the slot-holding jobs; returns how many it changed. */
    @Transactional
    public int check() {
        Instant now = clock.now();
        List<Job> holding = Job.find("status in ?1", List.of(JobStatus.DISPATCHED, JobStatus.RUNNING))
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
        int changed = 0;
        for (Job job : holding) {
            if (job.status == JobStatus.RUNNING && job.startedAt.plus(config.maxRunTime()).isBefore(now)) {
                String reason = "ran longer than the limit of " + config.maxRunTime();
                transitions.command(job, TrainingControl.CANCEL, reason);
                transitions.enter(job, JobStatus.TIMED_OUT, reason);
            } else if (job.cancelRequestedAt != null
                    && job.cancelRequestedAt.plus(config.cancelTimeout()).isBefore(now)) {
                transitions.enter(job, JobStatus.CANCELLED, "cancelled by the owner (the trainer did not confirm within "
                        + config.cancelTimeout() + ")");
            } else if (job.status == JobStatus.RUNNING && silentSince(job).plus(config.heartbeatTimeout()).isBefore(now)) {
                // in case the trainer is alive but cut off: its attempt must not go on beside the next one
                transitions.command(job, TrainingControl.CANCEL, "no heartbeat; the job was requeued");
                transitions.retryOrFail(job, "no heartbeat from the trainer for " + config.heartbeatTimeout());
            } else {
                continue;
            }
            LOG.infof("Job %s: %s (%s)", job.id, job.status.wireName(), job.reason);
            changed++;
        }
        return changed;
    }

    private Instant silentSince(Job job) {
        Instant since = listeningSince;
        return job.lastSeenAt == null || job.lastSeenAt.isBefore(since) ? since : job.lastSeenAt;
    }
}
