package io.finetune.progress.service;

import io.finetune.common.events.ModelCard;
import java.time.Instant;
import java.util.UUID;

/** Everything registered about one version of a model: the content of its {@code ModelEvent}. */
public record ModelVersionDetail(
        String name,
        int version,
        Instant registeredAt,
        UUID jobId,
        String jobName,
        UUID datasetId,
        String datasetSha256,
        ModelCard card) {
}
