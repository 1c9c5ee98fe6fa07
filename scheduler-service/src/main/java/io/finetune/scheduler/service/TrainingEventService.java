package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.ProcessedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/** Follows what trainers report: a job starts running, then succeeds or fails and frees its slot. */
@ApplicationScoped
public class TrainingEventService {

    private final JobTransitions transitions;

    TrainingEventService(JobTransitions transitions) {
        this.transitions = transitions;
    }

    @Transactional
    public void onTrainingEvent(TrainingEvent event) {
        JobStatus next = switch (event.type()) {
            case TrainingEvent.STARTED -> JobStatus.RUNNING;
            case TrainingEvent.SUCCEEDED -> JobStatus.SUCCEEDED;
            case TrainingEvent.FAILED -> JobStatus.FAILED;
            // epochs and heartbeats do not change the lifecycle (progress-service shows them)
            default -> null;
        };
        if (next == null || !ProcessedEvent.firstSeen(event.eventId())) {
            return;
        }
        Job job = Job.findById(event.jobId(), LockModeType.PESSIMISTIC_WRITE);
        // an event of an earlier attempt, or for a job that no longer holds a slot, is history
        if (job == null || job.attempt != event.attempt() || !job.status.holdsSlot()) {
            return;
        }
        if (next == JobStatus.RUNNING && job.status != JobStatus.DISPATCHED) {
            return;
        }
        String reason = next != JobStatus.FAILED ? null
                : event.message() != null ? event.message() : "training failed";
        transitions.enter(job, next, reason);
    }
}
