package io.finetune.common.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A transition of a job on {@link Topics#JOBS_EVENTS}, keyed by job id. The scheduler is the
 * only writer, so {@code sequence} orders a job's transitions totally.
 *
 * @param status the status the job has after this event
 * @param reason why the transition happened, for the user
 * @param hyperparameters every hyperparameter, defaults filled in
 * @param lane the resource class whose trainer slots the job uses (e.g. {@code interactive}, {@code production})
 * @param priorityClass {@code interactive} > {@code production} > {@code batch}
 */
public record JobEvent(
        UUID eventId,
        String type,
        Instant time,
        long sequence,
        UUID jobId,
        String owner,
        String name,
        JobStatus status,
        String reason,
        UUID datasetId,
        String recipe,
        int epochs,
        Map<String, Object> hyperparameters,
        int attempt,
        String lane,
        String priorityClass) implements PlatformEvent {

    /** The event type of a transition into {@code status}, e.g. {@code job.queued}. */
    public static String typeFor(JobStatus status) {
        return "job." + status.wireName().replace('_', '-');
    }
}
