package io.finetune.trainer.recipe;

import java.util.Map;
import java.util.UUID;

/** What a recipe needs from the dispatch. */
public record TrainingRequest(UUID jobId, int attempt, int epochs, Map<String, Object> hyperparameters) {
}
