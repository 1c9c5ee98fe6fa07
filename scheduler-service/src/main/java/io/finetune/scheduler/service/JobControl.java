package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingControl;
import io.finetune.common.problem.ProblemException;
import io.finetune.scheduler.entity.Job;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** The owner's commands on a job after submission. */
@ApplicationScoped
public class JobControl {

    private final JobTransitions transitions;
    private final Clock clock;

    JobControl(JobTransitions transitions, Clock clock) {
        this.transitions = transitions;
        this.clock = clock;
    }

    /** The outcome of a cancel: the job, and whether it is cancelled already (false: its trainer was told to stop). */
    public record Cancelled(JobView job, boolean done) {
    }

    /**
     * Cancels the job: one that waits leaves the queue at once; one that holds a slot gets a cancel
     * command to its trainer and is cancelled when the trainer confirms (or after
     * {@code scheduler.cancel-timeout}). Asking again while the trainer has not answered changes nothing.
     *
     * @throws ProblemException 404 for an unknown job or another owner's, 409 when it has already ended
     */
    @Transactional
    public Cancelled cancel(String owner, UUID id) {
        Job job = Job.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || !job.owner.equals(owner)) {
            throw new ProblemException(Response.Status.NOT_FOUND, "No job with id " + id);
        }
        if (job.status.isTerminal()) {
            throw new ProblemException(Response.Status.CONFLICT, "The job has already ended: it is "
                    + job.status.wireName());
        }
        if (!job.status.holdsSlot()) {
            transitions.enter(job, JobStatus.CANCELLED, "cancelled by the owner");
            return new Cancelled(JobView.of(job), true);
        }
        if (job.cancelRequestedAt == null) {
            job.cancelRequestedAt = clock.now();
            transitions.command(job, TrainingControl.CANCEL, "cancelled by the owner");
        }
        return new Cancelled(JobView.of(job), false);
    }
}
