package io.finetune.trainer.recipe;

import java.util.Map;

/**
 * @param finalMetrics the metrics of the last epoch
 * @param hyperparameters every hyperparameter the model was trained with, defaults filled in
 */
public record TrainingResult(EpochMetrics finalMetrics, Map<String, Object> hyperparameters) {
}
