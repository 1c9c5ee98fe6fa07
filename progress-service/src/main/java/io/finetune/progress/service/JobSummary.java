package io.finetune.progress.service;

import java.time.Instant;
import java.util.UUID;

/**
 * A job in the owner's list: its lifecycle and the metrics of its latest completed epoch
 * ({@code epoch} of {@code epochs}; null metrics before the first epoch).
 */
public record JobSummary(
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
        String modelUri) {
}
