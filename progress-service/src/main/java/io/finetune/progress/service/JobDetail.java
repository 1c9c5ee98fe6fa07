package io.finetune.progress.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One job: the fields of {@link JobSummary} plus its hyperparameters and every completed epoch. */
public record JobDetail(
        @JsonUnwrapped JobSummary summary,
        Map<String, Object> hyperparameters,
        List<EpochEntry> epochHistory) {

    /** The metrics of one completed epoch (of the attempt whose report is shown, see the README). */
    public record EpochEntry(
            int epoch,
            int attempt,
            Double trainLoss,
            Double trainAccuracy,
            Double validationLoss,
            Double validationAccuracy,
            Double samplesPerSecond,
            Long elapsedMillis,
            Instant completedAt) {
    }
}
