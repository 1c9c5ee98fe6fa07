package io.finetune.recipes;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * What a recipe needs from the dispatch.
 *
 * @param resumeFrom the job's latest checkpoint when this attempt continues an earlier one, else null
 * @param warmStart the model's latest version to continue from (a retrain), else null
 */
public record TrainingRequest(UUID jobId, int attempt, int epochs, Map<String, Object> hyperparameters,
        Checkpoint resumeFrom, WarmStart warmStart) {

    /**
     * A model artifact downloaded into a local directory.
     *
     * @param uri where it is stored; the model card names it when the recipe used it
     */
    public record WarmStart(String uri, Path dir) {
    }
}
