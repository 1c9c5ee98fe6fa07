package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.ProcessedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Follows what trainers report: a job starts running, then succeeds, fails (retried when the
 * infrastructure was at fault), is cancelled or preempted, and frees its slot. Every event of the
 * current attempt, heartbeats included, proves its trainer alive (the watchdog requeues silent jobs).
 * A success registers the trained model's next version ({@link ModelRegistry}).
 */
@ApplicationScoped
public class TrainingEventService {

    private final JobTransitions transitions;
    private final ModelRegistry models;
    private final Clock clock;

    TrainingEventService(JobTransitions transitions, ModelRegistry models, Clock clock) {
        this.transitions = transitions;
        this.models = models;
        this.clock = clock;
    }

    @Transactional
    public void onTrainingEvent(TrainingEvent event) {
        // progress reports change no status: a redelivery is harmless, so they skip the processed-event table
        boolean progress = TrainingEvent.HEARTBEAT.equals(event.type())
                || TrainingEvent.EPOCH_COMPLETED.equals(event.type());
        if (!progress && !ProcessedEvent.firstSeen(event.eventId())) {
            return;
        }
        Job job = Job.findById(event.jobId(), LockModeType.PESSIMISTIC_WRITE);
        // an event of an earlier attempt, or for a job that no longer holds a slot, is history
        if (job == null || job.attempt != event.attempt() || !job.status.holdsSlot()) {
            return;
        }
        job.lastSeenAt = clock.now();
        if (event.worker() != null) {
            job.worker = event.worker();
        }
        switch (event.type()) {
            case TrainingEvent.STARTED -> {
                if (job.status == JobStatus.DISPATCHED) {
                    transitions.enter(job, JobStatus.RUNNING, null);
                }
            }
            case TrainingEvent.SUCCEEDED -> {
                if (job.isPrediction()) {
                    // the predictions file is the result; no model version
                    job.resultUri = event.resultUri();
                    transitions.enter(job, JobStatus.SUCCEEDED, null);
                    return;
                }
                // one transaction: the job is succeeded exactly when its model version is registered
                transitions.enter(job, JobStatus.SUCCEEDED, null);
                models.register(job, event);
            }
            case TrainingEvent.FAILED -> onFailed(job, event);
            case TrainingEvent.CANCELLED -> transitions.enter(job, JobStatus.CANCELLED,
                    job.cancelRequestedAt != null ? "cancelled by the owner" : "cancelled by the trainer");
            case TrainingEvent.PREEMPTED -> transitions.enter(job, JobStatus.QUEUED,
                    "preempted for higher-priority work; resumes from its checkpoint");
            default -> {
                // heartbeats and epochs: alive, nothing else changes
            }
        }
    }

    /** Infrastructure failures are retried; the job's own (its data, its memory needs) would fail again. */
    private void onFailed(Job job, TrainingEvent event) {
        String message = event.message() != null ? event.message() : "training failed";
        if (TrainingEvent.INFRASTRUCTURE.equals(event.errorKind())) {
            transitions.retryOrFail(job, "trainer failed: " + message, SchedulerMetrics.CAUSE_INFRASTRUCTURE);
        } else {
            transitions.enter(job, JobStatus.FAILED, message, SchedulerMetrics.causeOf(event.errorKind()));
        }
    }
}
