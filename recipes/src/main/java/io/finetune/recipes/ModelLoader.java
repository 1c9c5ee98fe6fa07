package io.finetune.recipes;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads a model artifact (the directory a recipe's training wrote, {@code model.json} included) with
 * the recipe that made it.
 */
public interface ModelLoader {

    /**
     * @throws IOException when the artifact cannot be read or is not a model of a known recipe
     */
    TrainedModel load(Path modelDir) throws IOException;
}
