package io.finetune.common.events;

import java.time.Instant;
import java.util.UUID;

/**
 * What a trainer reports about the job it runs, on {@link Topics#TRAINING_EVENTS}, keyed by job id.
 * This topic is also a public integration surface (docs/events.md).
 *
 * <p>{@code sequence} is {@link #sequenceBase(int) sequenceBase(attempt)} plus a counter, so the
 * events of a later attempt always order after those of an earlier one, whichever worker ran it.
 *
 * @param owner the user the job belongs to (integrations filter on it)
 * @param worker the trainer instance that sent it
 * @param device {@code cpu} or {@code gpu}
 * @param epoch the epoch just completed (1-based), or null
 * @param modelUri the saved model artifact (s3://bucket/key), on success
 * @param message an error for the user, on failure
 * @param errorKind on failure: {@link #USER_DATA} (not retried), {@link #INFRASTRUCTURE} (retried),
 *        {@link #OUT_OF_MEMORY} (not retried; the message suggests a smaller batch size) or
 *        {@link #BASE_MODEL} (not retried; the registered base model the job names is missing or damaged)
 * @param model on success: the trained model's card, which becomes its registered version
 * @param resultUri on success of a prediction job: the predictions file ({@code s3://bucket/key}); else null
 */
public record TrainingEvent(
        UUID eventId,
        String type,
        Instant time,
        long sequence,
        UUID jobId,
        String owner,
        int attempt,
        String worker,
        String device,
        Integer epoch,
        int epochs,
        Double trainLoss,
        Double trainAccuracy,
        Double validationLoss,
        Double validationAccuracy,
        Double samplesPerSecond,
        Long elapsedMillis,
        Long remainingMillis,
        String modelUri,
        String message,
        String errorKind,
        ModelCard model,
        String resultUri) implements PlatformEvent {

    /** An event of a training job (no result file). */
    public TrainingEvent(UUID eventId, String type, Instant time, long sequence, UUID jobId, String owner,
            int attempt, String worker, String device, Integer epoch, int epochs, Double trainLoss,
            Double trainAccuracy, Double validationLoss, Double validationAccuracy, Double samplesPerSecond,
            Long elapsedMillis, Long remainingMillis, String modelUri, String message, String errorKind,
            ModelCard model) {
        this(eventId, type, time, sequence, jobId, owner, attempt, worker, device, epoch, epochs, trainLoss,
                trainAccuracy, validationLoss, validationAccuracy, samplesPerSecond, elapsedMillis, remainingMillis,
                modelUri, message, errorKind, model, null);
    }

    public static final String STARTED = "training.started";
    public static final String EPOCH_COMPLETED = "training.epoch-completed";
    public static final String HEARTBEAT = "training.heartbeat";
    public static final String SUCCEEDED = "training.succeeded";
    public static final String FAILED = "training.failed";
    /** Stopped at the next step after a cancel command; the last checkpoint is kept. */
    public static final String CANCELLED = "training.cancelled";
    /** Stopped after saving a checkpoint, on a preempt command; the job resumes from it later. */
    public static final String PREEMPTED = "training.preempted";

    public static final String USER_DATA = "user-data";
    public static final String INFRASTRUCTURE = "infrastructure";
    public static final String OUT_OF_MEMORY = "out-of-memory";
    /**
     * The registry's entry of the job's base model is gone or its file no longer matches its SHA-256:
     * neither the user's data nor a passing outage, so a retry would fail the same way; an admin
     * registers the model again and the user names the new version.
     */
    public static final String BASE_MODEL = "base-model";

    public static long sequenceBase(int attempt) {
        return (long) attempt << 32;
    }
}
