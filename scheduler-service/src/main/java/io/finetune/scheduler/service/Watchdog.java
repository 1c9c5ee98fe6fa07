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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Looks after the jobs that hold slots: a job past the run-time limit is stopped and timed out, a
 * running job whose trainer went silent, or a dispatched one no trainer started, is requeued (or
 * failed after its last attempt), a cancel
 * its trainer never confirmed is completed, and a lane full of lower-class work that keeps an
 * interactive job waiting gets one of its jobs preempted.
 */
@ApplicationScoped
public class Watchdog {

    private static final Logger LOG = Logger.getLogger(Watchdog.class);

    private final SchedulerConfig config;
    private final JobTransitions transitions;
    private final Clock clock;
    private final TrainerJobs trainerJobs;
    private final LaneCapacity capacity;
    /** Silence while this service was down is not the trainer's: nobody was listening. */
    private volatile Instant listeningSince;

    Watchdog(SchedulerConfig config, JobTransitions transitions, Clock clock, TrainerJobs trainerJobs,
            LaneCapacity capacity) {
        this.config = config;
        this.transitions = transitions;
        this.clock = clock;
        this.trainerJobs = trainerJobs;
        this.capacity = capacity;
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
                trainerJobs.deleteAfterCommit(job);
            } else if (job.cancelRequestedAt != null
                    && job.cancelRequestedAt.plus(config.cancelTimeout()).isBefore(now)) {
                transitions.enter(job, JobStatus.CANCELLED, "cancelled by the owner (the trainer did not confirm within "
                        + config.cancelTimeout() + ")");
            } else if (job.status == JobStatus.RUNNING && silentSince(job).plus(config.heartbeatTimeout()).isBefore(now)) {
                // in case the trainer is alive but cut off: its attempt must not go on beside the next one
                transitions.command(job, TrainingControl.CANCEL, "no heartbeat; the job was requeued");
                transitions.retryOrFail(job, "no heartbeat from the trainer for " + config.heartbeatTimeout(),
                        SchedulerMetrics.CAUSE_HEARTBEAT_LOST);
            } else if (job.status == JobStatus.DISPATCHED && silentSince(job).plus(config.startTimeout()).isBefore(now)) {
                transitions.command(job, TrainingControl.CANCEL, "not started in time; the job was requeued");
                transitions.retryOrFail(job, "no trainer started the job within " + config.startTimeout(),
                        SchedulerMetrics.CAUSE_HEARTBEAT_LOST);
            } else {
                continue;
            }
            LOG.infof("Job %s: %s (%s)", job.id, job.status.wireName(), job.reason);
            changed++;
        }
        if (config.preemption().enabled()) {
            List<Job> stillHolding = holding.stream().filter(j -> j.status.holdsSlot()).toList();
            for (var lane : config.lanes().entrySet()) {
                List<Job> inLane = stillHolding.stream().filter(j -> j.lane.equals(lane.getKey())).toList();
                if (preemptFor(lane.getKey(), capacity.slots(lane.getKey()), inLane, now)) {
                    changed++;
                }
            }
        }
        return changed;
    }

    /**
     * Tells the lowest-priority running job of a full lane to checkpoint and stop when an
     * interactive-class job has waited longer than {@code scheduler.preemption.after} and every slot
     * runs lower-class work. One preemption at a time per lane; jobs younger than the minimum run
     * time are spared; the latest started of the lowest class goes, as it loses the least work.
     */
    private boolean preemptFor(String lane, int slots, List<Job> holding, Instant now) {
        String interactive = PriorityClass.INTERACTIVE.wireName();
        if (holding.size() < slots || holding.stream().anyMatch(j -> interactive.equals(j.priorityClass)
                || j.preemptRequestedAt != null || j.cancelRequestedAt != null)) {
            return false;
        }
        Map<String, Integer> byOwner = Job.holdingByOwner();
        Optional<Job> waiting = Job.<Job>list("lane = ?1 and status = ?2 and priorityClass = ?3 and queuedAt < ?4",
                        lane, JobStatus.QUEUED, interactive, now.minus(config.preemption().after())).stream()
                // a job its owner's running quota holds back could not use the slot
                .filter(j -> byOwner.getOrDefault(j.owner, 0) < config.policy().maxRunningPerUser())
                .findFirst();
        if (waiting.isEmpty()) {
            return false;
        }
        Optional<Job> victim = holding.stream()
                .filter(j -> j.status == JobStatus.RUNNING
                        && !j.startedAt.plus(config.preemption().minRunTime()).isAfter(now))
                .max(Comparator.comparing((Job j) -> rank(j.priorityClass)).thenComparing(j -> j.startedAt));
        if (victim.isEmpty()) {
            return false;
        }
        Job job = victim.get();
        job.preemptRequestedAt = now;
        transitions.command(job, TrainingControl.PREEMPT, "preempted for interactive job " + waiting.get().id);
        LOG.infof("Job %s: preempted in lane %s for interactive job %s", job.id, lane, waiting.get().id);
        return true;
    }

    private static int rank(String priorityClass) {
        return PriorityClass.fromWire(priorityClass).orElse(PriorityClass.BATCH).ordinal();
    }

    private Instant silentSince(Job job) {
        Instant since = listeningSince;
        return job.lastSeenAt == null || job.lastSeenAt.isBefore(since) ? since : job.lastSeenAt;
    }
}
