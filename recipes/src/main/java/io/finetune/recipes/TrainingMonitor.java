package io.finetune.recipes;

import java.io.IOException;

/**
 * Watches a recipe's training loop: told about every completed epoch and asked before every
 * training step whether to go on. The worker's implementation reports events, saves checkpoints
 * and carries out cancel and preempt commands; a recipe only calls it.
 */
@FunctionalInterface
public interface TrainingMonitor {

    /**
     * Before every training step (batch).
     *
     * @throws TrainingStoppedException when the job must stop now; a recipe lets it pass
     */
    default void beforeStep(TrainingState state) throws IOException {
    }

    /** After every epoch, in order; may save {@code state} as a checkpoint. */
    void epochCompleted(EpochMetrics metrics, TrainingState state) throws IOException;
}
