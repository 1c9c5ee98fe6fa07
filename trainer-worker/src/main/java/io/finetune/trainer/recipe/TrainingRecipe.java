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
     * into {@code outputDir}.
     *
     * @throws TrainingInputException when the data or the hyperparameters cannot be trained on
     */
    TrainingResult train(TrainingRequest request, InputStream dataset, Path outputDir, EpochListener listener)
            throws IOException;
}
