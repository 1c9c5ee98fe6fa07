package io.finetune.trainer.recipe;

import java.util.Map;
import java.util.UUID;

/**
 * What a recipe needs from the dispatch.
 *
 * @param resumeFrom the job's latest checkpoint when this attempt continues an earlier one, else null
 */
public record TrainingRequest(UUID jobId, int attempt, int epochs, Map<String, Object> hyperparameters,
        Checkpoint resumeFrom) {
}
