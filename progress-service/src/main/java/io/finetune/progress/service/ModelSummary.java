package io.finetune.progress.service;

import java.time.Instant;

/**
 * A model in the owner's list, described by its latest version.
 *
 * @param latestVersion the highest version: what {@code latest} names
 * @param stale the latest version is older than {@code progress.models.stale-after}
 * @param accuracyDropped the latest version's validation accuracy is lower than the previous version's
 *        by more than {@code progress.models.accuracy-drop}
 */
public record ModelSummary(
        String name,
        int latestVersion,
        String recipe,
        Double validationAccuracy,
        Instant registeredAt,
        boolean stale,
        boolean accuracyDropped) {
}
