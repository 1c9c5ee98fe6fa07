package io.finetune.trainer.recipe;

import io.finetune.common.recipes.Recipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * How one recipe turns a dataset into a model. Implementations are CDI beans; the training
 * service picks the one whose {@link #recipe()} the dispatch names.
 */
public interface TrainingRecipe {

    Recipe recipe();

    /**
     * Trains on {@code dataset} and writes every file of the model, including {@code model.json},
     * into {@code outputDir}. Starts after {@link TrainingRequest#resumeFrom()} when there is one.
     *
     * @throws TrainingInputException when the data or the hyperparameters cannot be trained on
     * @throws TrainingStoppedException when the monitor stops the run
     */
    TrainingResult train(TrainingRequest request, InputStream dataset, Path outputDir, TrainingMonitor monitor)
            throws IOException;
}
