package io.finetune.progress.service;

import java.time.Instant;
import java.util.UUID;

/**
 * A job in the owner's list: its lifecycle and the metrics of its latest completed epoch
 * ({@code epoch} of {@code epochs}; null metrics before the first epoch).
 *
 * @param lane the trainer lane the scheduler put it in
 * @param priorityClass {@code interactive}, {@code production} or {@code batch}
 * @param position while queued in a lane: 1 + the jobs of its lane queued before it. An estimate:
 *        the scheduler releases the cheapest job first (with aging), not the oldest.
 * @param errorKind when failed: the trainer's cause of the latest failure ({@code user-data},
 *        {@code infrastructure}, {@code out-of-memory}); null when the trainer reported none
 * @param model the model the job trained a version of, once that version is registered (models.events
 *        names it; jobs.events does not), else null
 * @param modelVersion the version the job's success registered, else null
 * @param kind {@code training} or {@code prediction}; a prediction job's {@code model} and
 *        {@code modelVersion} are the version it predicts with (from jobs.events)
 * @param resultUri a succeeded prediction job's predictions file ({@code s3://bucket/key}); the gateway hands
 *        out a download URL for it
 * @param baseModel the registered base model a training job starts from, pinned as {@code name:version}
 *        (from jobs.events), else null
 */
public record JobSummary(
        UUID id,
        String name,
        String status,
        String reason,
        String recipe,
        UUID datasetId,
        String lane,
        String priorityClass,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Long position,
        Integer epoch,
        Integer epochs,
        Double trainLoss,
        Double trainAccuracy,
        Double validationLoss,
        Double validationAccuracy,
        String modelUri,
        String errorKind,
        String model,
        Integer modelVersion,
        String kind,
        String resultUri,
        String baseModel) {

    /** The same job at another place in its queue. */
    public JobSummary withPosition(Long position) {
        return new JobSummary(id, name, status, reason, recipe, datasetId, lane, priorityClass, queuedAt, startedAt,
                finishedAt, position, epoch, epochs, trainLoss, trainAccuracy, validationLoss, validationAccuracy,
                modelUri, errorKind, model, modelVersion, kind, resultUri, baseModel);
    }
}
