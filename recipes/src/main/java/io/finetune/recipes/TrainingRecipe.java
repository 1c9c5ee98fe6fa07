package io.finetune.recipes;

import io.finetune.common.recipes.Recipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * How one recipe turns a dataset into a model, and the model back into predictions. Implementations
 * are CDI beans: the trainer picks the one whose {@link #recipe()} the dispatch names, the
 * {@link ModelLoader} the one that wrote the artifact.
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

    /** Loads what {@link #train} wrote into {@code modelDir}. */
    TrainedModel load(Path modelDir) throws IOException;
}
