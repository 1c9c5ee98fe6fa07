package io.finetune.scheduler.service;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
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
 * {@link JobEvent} into the outbox in the caller's transaction.
 */
@ApplicationScoped
public class JobTransitions {

    private final Outbox outbox;
    private final String dispatchTopic;

    JobTransitions(Outbox outbox, SchedulerConfig config) {
        this.outbox = outbox;
        this.dispatchTopic = config.dispatch().topic();
    }

    /** Moves the job into {@code status}; {@code reason} tells the user why (null for the normal course). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enter(Job job, JobStatus status, String reason) {
        Instant now = Clock.now();
        job.status = status;
        job.reason = reason;
        job.sequence++;
        switch (status) {
            case QUEUED -> job.queuedAt = now;
            case RUNNING -> job.startedAt = now;
            default -> {
                if (status.isTerminal()) {
                    job.finishedAt = now;
                }
            }
        }
        outbox.add(Topics.JOBS_EVENTS, job.id, new JobEvent(UUID.randomUUID(), JobEvent.typeFor(status), now,
                job.sequence, job.id, job.owner, job.name, status, reason, job.datasetId, job.recipe, job.epochs,
                job.hyperparameters, job.attempt, null, null));
    }

    /** Releases the job to a trainer slot: its next attempt, and the dispatch message the trainer takes. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void dispatch(Job job, Dataset dataset) {
        job.attempt++;
        enter(job, JobStatus.DISPATCHED, null);
        outbox.add(dispatchTopic, job.id, new TrainingDispatch(UUID.randomUUID(), TrainingDispatch.TYPE, Clock.now(),
                job.sequence, job.id, job.owner, job.name, job.datasetId, dataset.objectKey, job.recipe, job.epochs,
                job.hyperparameters, job.attempt));
    }
}
