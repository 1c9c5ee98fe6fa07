package io.finetune.progress.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One job: the fields of {@link JobSummary} plus its hyperparameters, every completed epoch, and the
 * best of them ({@code best}: the highest validation accuracy, the earliest of equals; null before an
 * epoch reported one).
 */
public record JobDetail(
        @JsonUnwrapped JobSummary summary,
        Map<String, Object> hyperparameters,
        List<EpochEntry> epochHistory,
        EpochEntry best) {

    public JobDetail(JobSummary summary, Map<String, Object> hyperparameters, List<EpochEntry> epochHistory) {
        this(summary, hyperparameters, epochHistory, epochHistory.stream().filter(e -> e.validationAccuracy() != null)
                .max(Comparator.comparingDouble(EpochEntry::validationAccuracy)
                        .thenComparing(Comparator.comparingInt(EpochEntry::epoch).reversed()))
                .orElse(null));
    }

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
