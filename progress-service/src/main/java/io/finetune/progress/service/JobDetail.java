package io.finetune.progress.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One job: the fields of {@link JobSummary} plus its hyperparameters and every completed epoch. */
public record JobDetail(
        UUID id,
        String name,
        String status,
        String reason,
        String recipe,
        UUID datasetId,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Integer epoch,
        Integer epochs,
        Double trainLoss,
        Double trainAccuracy,
        Double validationLoss,
        Double validationAccuracy,
        String modelUri,
        Map<String, Object> hyperparameters,
        List<EpochEntry> epochHistory) {

    /** The metrics of one completed epoch. */
    public record EpochEntry(
            int epoch,
            Double trainLoss,
            Double trainAccuracy,
            Double validationLoss,
            Double validationAccuracy,
            Double samplesPerSecond,
            Long elapsedMillis,
            Instant completedAt) {
    }
}
