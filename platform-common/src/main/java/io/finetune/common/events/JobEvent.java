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
 * @param kind {@link JobKind#TRAINING} (also when null: a scheduler older than prediction jobs) or
 *        {@link JobKind#PREDICTION}
 * @param model a prediction job: the model it predicts with; null for training jobs ({@code models.events}
 *        names the version a training job registers)
 * @param modelVersion a prediction job: that model's version; else null
 * @param resultUri a succeeded prediction job: its predictions file ({@code s3://bucket/key}); else null
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
        String priorityClass,
        String kind,
        String model,
        Integer modelVersion,
        String resultUri) implements PlatformEvent {

    /** A transition of a training job. */
    public JobEvent(UUID eventId, String type, Instant time, long sequence, UUID jobId, String owner, String name,
            JobStatus status, String reason, UUID datasetId, String recipe, int epochs,
            Map<String, Object> hyperparameters, int attempt, String lane, String priorityClass) {
        this(eventId, type, time, sequence, jobId, owner, name, status, reason, datasetId, recipe, epochs,
                hyperparameters, attempt, lane, priorityClass, JobKind.TRAINING, null, null, null);
    }

    /** The event type of a transition into {@code status}, e.g. {@code job.queued}. */
    public static String typeFor(JobStatus status) {
        return "job." + status.wireName().replace('_', '-');
    }
}
