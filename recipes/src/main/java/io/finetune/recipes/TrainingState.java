package io.finetune.recipes;

import java.io.IOException;
import java.nio.file.Path;

/** The state of a training run that a checkpoint keeps, as the recipe writes it. */
public interface TrainingState {

    /** Epochs completed so far, counted over every attempt of the job: the checkpoint's epoch. */
    int completedEpochs();

    /**
     * Writes what resuming needs (parameters, label and feature mapping, normalization) into the
     * empty directory {@code dir}; {@link TrainingRecipe#train} reads it back from a
     * {@link Checkpoint}.
     */
    void writeCheckpoint(Path dir) throws IOException;
}
