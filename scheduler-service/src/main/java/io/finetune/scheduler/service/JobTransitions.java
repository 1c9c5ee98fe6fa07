package io.finetune.scheduler.service;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingControl;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/**
 * The only place a job's status changes: each change counts up the job's sequence and puts its
 * {@link JobEvent} into the outbox in the caller's transaction. Commands to trainers go the same way.
 */
@ApplicationScoped
public class JobTransitions {

    private final Outbox outbox;
    private final SchedulerConfig config;
    private final Clock clock;
    private final SchedulerMetrics metrics;
    private final ModelRegistry models;

    JobTransitions(Outbox outbox, SchedulerConfig config, Clock clock, SchedulerMetrics metrics,
            ModelRegistry models) {
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.models = models;
    }

    /** Moves the job into {@code status}; {@code reason} tells the user why (null for the normal course). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enter(Job job, JobStatus status, String reason) {
        enter(job, status, reason, SchedulerMetrics.CAUSE_NONE);
    }

    /** As {@link #enter(Job, JobStatus, String)}; {@code cause} classifies a failure for the metrics. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enter(Job job, JobStatus status, String reason, String cause) {
        metrics.entered(job, status, cause);
        Instant now = clock.now();
        job.status = status;
        job.reason = reason;
        job.sequence++;
        if (!status.holdsSlot()) {
            // a command to the attempt that just ended is answered or moot
            job.preemptRequestedAt = null;
        }
        switch (status) {
            case QUEUED -> {
                job.queuedAt = now;
                job.cancelRequestedAt = null;
            }
            case DISPATCHED -> job.lastSeenAt = now;
            case RUNNING -> {
                job.startedAt = now;
                job.lastSeenAt = now;
            }
            default -> {
                if (status.isTerminal()) {
                    job.finishedAt = now;
                }
            }
        }
        outbox.add(Topics.JOBS_EVENTS, job.id, new JobEvent(UUID.randomUUID(), JobEvent.typeFor(status), now,
                job.sequence, job.id, job.owner, job.name, status, reason, job.datasetId, job.recipe, job.epochs,
                job.hyperparameters, job.attempt, job.lane, job.priorityClass, job.kind,
                job.isPrediction() ? job.model : null, job.modelVersion, job.resultUri, job.baseModel));
    }

    /**
     * Records a fact about the job that changes no status (type e.g. {@code job.sla-missed}): a
     * {@link JobEvent} with the job's current status, counted in its sequence like a transition.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void flag(Job job, String type, String reason) {
        job.sequence++;
        outbox.add(Topics.JOBS_EVENTS, job.id, new JobEvent(UUID.randomUUID(), type, clock.now(), job.sequence,
                job.id, job.owner, job.name, job.status, reason, job.datasetId, job.recipe, job.epochs,
                job.hyperparameters, job.attempt, job.lane, job.priorityClass));
    }

    /**
     * Releases the job to a trainer slot of its lane: its next attempt, and the dispatch message the
     * trainer takes, naming the model, the artifact it may warm-start from and the base model it starts from.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void dispatch(Job job, Dataset dataset) {
        job.attempt++;
        metrics.dispatched(job);
        enter(job, JobStatus.DISPATCHED, null);
        outbox.add(config.lanes().get(job.lane).topic(), job.id, new TrainingDispatch(UUID.randomUUID(),
                TrainingDispatch.TYPE, clock.now(), job.sequence, job.id, job.owner, job.name, job.datasetId,
                dataset.objectKey, job.recipe, job.epochs, job.hyperparameters, job.attempt, job.model,
                job.isPrediction() ? null : models.warmStartUri(job), job.kind, job.modelVersion, job.modelUri,
                job.baseModel));
    }

    /** Tells the trainer of the job's current attempt to stop ({@link TrainingControl#CANCEL} or {@code PREEMPT}). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void command(Job job, String type, String reason) {
        outbox.add(Topics.TRAINING_CONTROL, job.id, new TrainingControl(UUID.randomUUID(), type, clock.now(),
                job.sequence, job.id, job.attempt, reason));
    }

    /**
     * The job's attempt ended for a reason that is not the job's fault (its trainer was lost or
     * failed for infrastructure reasons): queued again for its next attempt, or failed once it has
     * had {@code scheduler.max-attempts}. A job its owner asked to cancel is cancelled instead.
     * {@code metricsCause} classifies the failure for the metrics ({@link SchedulerMetrics}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void retryOrFail(Job job, String cause, String metricsCause) {
        if (job.cancelRequestedAt != null) {
            enter(job, JobStatus.CANCELLED, "cancelled by the owner (" + cause + ")");
        } else if (job.attempt >= config.maxAttempts()) {
            enter(job, JobStatus.FAILED, cause + "; gave up after " + job.attempt + " attempts", metricsCause);
        } else {
            enter(job, JobStatus.QUEUED, cause + "; requeued for attempt " + (job.attempt + 1) + " of "
                    + config.maxAttempts());
        }
    }
}
