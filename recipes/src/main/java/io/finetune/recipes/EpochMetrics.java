package io.finetune.recipes;

/**
 * @param epoch 1-based
 * @param elapsedMillis since training began (data loading excluded)
 * @param remainingMillis estimate from the mean epoch time so far
 */
public record EpochMetrics(
        int epoch,
        int epochs,
        double trainLoss,
        double trainAccuracy,
        double validationLoss,
        double validationAccuracy,
        double samplesPerSecond,
        long elapsedMillis,
        long remainingMillis) {
}
