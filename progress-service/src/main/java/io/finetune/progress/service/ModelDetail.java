package io.finetune.progress.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One model with every version, ascending: its accuracy over time, and the mean validation accuracy of
 * the versions registered in the last 7 days ({@code validationAccuracyMean7d}, null when none). Flags
 * as in {@link ModelSummary}.
 */
public record ModelDetail(
        String name,
        int latestVersion,
        String recipe,
        boolean stale,
        boolean accuracyDropped,
        List<Version> versions,
        Double validationAccuracyMean7d) {

    /** One version as the model's history lists it. */
    public record Version(
            int version,
            Instant registeredAt,
            UUID jobId,
            String jobName,
            Double validationAccuracy,
            Double validationLoss) {
    }
}
