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
 * @param kind {@link JobKind#TRAINING} or {@link JobKind#PREDICTION}; null says nothing about it (a
 *        scheduler older than prediction jobs, whose jobs all train): consumers keep what they know
 * @param model a prediction job: the model it predicts with; null for training jobs ({@code models.events}
 *        names the version a training job registers)
 * @param modelVersion a prediction job: that model's version; else null
 * @param resultUri a succeeded prediction job: its predictions file ({@code s3://bucket/key}); else null
 * @param baseModel a training job that starts from a registered base model: its pinned {@code name:version}
 *        ({@link io.finetune.common.basemodels.BaseModel#reference()}); else null (also from a scheduler older
 *        than the base-model registry)
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
        String resultUri,
        String baseModel) implements PlatformEvent {

    /** An event of a job that starts from no registered base model. */
    public JobEvent(UUID eventId, String type, Instant time, long sequence, UUID jobId, String owner, String name,
            JobStatus status, String reason, UUID datasetId, String recipe, int epochs,
            Map<String, Object> hyperparameters, int attempt, String lane, String priorityClass, String kind,
            String model, Integer modelVersion, String resultUri) {
        this(eventId, type, time, sequence, jobId, owner, name, status, reason, datasetId, recipe, epochs,
                hyperparameters, attempt, lane, priorityClass, kind, model, modelVersion, resultUri, null);
    }

    /** An event that does not state the job's kind (null), e.g. from a scheduler older than prediction jobs. */
    public JobEvent(UUID eventId, String type, Instant time, long sequence, UUID jobId, String owner, String name,
            JobStatus status, String reason, UUID datasetId, String recipe, int epochs,
            Map<String, Object> hyperparameters, int attempt, String lane, String priorityClass) {
        this(eventId, type, time, sequence, jobId, owner, name, status, reason, datasetId, recipe, epochs,
                hyperparameters, attempt, lane, priorityClass, null, null, null, null, null);
    }

    /** The event type of a transition into {@code status}, e.g. {@code job.queued}. */
    public static String typeFor(JobStatus status) {
        return "job." + status.wireName().replace('_', '-');
    }
}
