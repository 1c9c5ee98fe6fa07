package io.finetune.recipes;

import io.finetune.common.events.ModelCard;
import io.finetune.common.recipes.Recipe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What training made, as far as the recipe knows it; the worker adds where and how long.
 *
 * @param finalMetrics the metrics of the last epoch
 * @param hyperparameters every hyperparameter the model was trained with, defaults filled in
 * @param classes per-class figures on the validation split
 * @param baseModel the pretrained model it builds on, or null
 * @param warmStartedFrom the artifact its parameters started from, or null when it trained from scratch
 */
public record TrainingResult(
        Recipe recipe,
        EpochMetrics finalMetrics,
        Map<String, Object> hyperparameters,
        List<ModelCard.ClassMetrics> classes,
        ModelCard.ModelSchema schema,
        long seed,
        String baseModel,
        String warmStartedFrom) {

    /** The card of this model, stored at {@code artifactUri} after {@code durationMillis} on {@code hardware}. */
    public ModelCard card(long durationMillis, String hardware, String artifactUri) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(ModelCard.VALIDATION_ACCURACY, finalMetrics.validationAccuracy());
        metrics.put(ModelCard.VALIDATION_LOSS, finalMetrics.validationLoss());
        metrics.put(ModelCard.TRAIN_ACCURACY, finalMetrics.trainAccuracy());
        metrics.put(ModelCard.TRAIN_LOSS, finalMetrics.trainLoss());
        return new ModelCard(recipe.wireName(), baseModel, hyperparameters, metrics, classes, schema, seed,
                durationMillis, hardware, artifactUri, warmStartedFrom);
    }
}
