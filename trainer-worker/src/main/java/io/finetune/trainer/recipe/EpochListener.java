package io.finetune.trainer.recipe;

/** Told about every completed epoch, in order. */
@FunctionalInterface
public interface EpochListener {

    void epochCompleted(EpochMetrics metrics);
}
