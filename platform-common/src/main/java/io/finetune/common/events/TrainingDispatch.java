package io.finetune.common.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One job released to a trainer slot, on {@link Topics#TRAINING_DISPATCH}, keyed by job id.
 * Carries everything a trainer needs, so it never calls another service.
 *
 * @param sequence the scheduler's sequence of the job's {@code job.dispatched} transition
 * @param attempt 1 for the first run; a requeued job gets the next number
 * @param model the model this job trains a new version of (defaults to the job's name)
 * @param warmStartUri the artifact of the model's latest version when the recipe can continue from it
 *        (a retrain of the same model on the same schema), else null
 * @param kind {@link JobKind#TRAINING} (also when null: a scheduler older than prediction jobs) or
 *        {@link JobKind#PREDICTION}
 * @param modelVersion a prediction job: the version of {@code model} it predicts with; else null
 * @param modelUri a prediction job: that version's artifact ({@code s3://bucket/prefix/}); else null
 * @param baseModel a training job that builds on a registered base model: its pinned
 *        {@code name:version} ({@link io.finetune.common.basemodels.BaseModel#reference()}); else null
 */
public record TrainingDispatch(
        UUID eventId,
        String type,
        Instant time,
        long sequence,
        UUID jobId,
        String owner,
        String name,
        UUID datasetId,
        String datasetObjectKey,
        String recipe,
        int epochs,
        Map<String, Object> hyperparameters,
        int attempt,
        String model,
        String warmStartUri,
        String kind,
        Integer modelVersion,
        String modelUri,
        String baseModel) implements PlatformEvent {

    public static final String TYPE = "training.dispatch";

    /** A training job's dispatch. */
    public TrainingDispatch(UUID eventId, String type, Instant time, long sequence, UUID jobId, String owner,
            String name, UUID datasetId, String datasetObjectKey, String recipe, int epochs,
            Map<String, Object> hyperparameters, int attempt, String model, String warmStartUri) {
        this(eventId, type, time, sequence, jobId, owner, name, datasetId, datasetObjectKey, recipe, epochs,
                hyperparameters, attempt, model, warmStartUri, JobKind.TRAINING, null, null, null);
    }
}
