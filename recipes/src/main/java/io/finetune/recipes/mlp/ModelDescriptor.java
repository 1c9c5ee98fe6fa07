package io.finetune.recipes.mlp;

import io.finetune.common.events.ModelCard;
import io.finetune.recipes.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * {@code model.json}: what loading the model needs besides its parameters, and how it was made.
 *
 * @param modelName the parameters' file name: {@code <modelName>-<epochs>.params}
 * @param classes the labels, in the order of the model's outputs
 * @param inputs the fields of a prediction input, in the order the model reads them
 * @param normalization applied to the feature vectors in training and prediction alike
 * @param hiddenUnits the recipe's own hidden layers' width; 0 with a {@code backbone}
 * @param hiddenLayers the recipe's own hidden layers; 0 with a {@code backbone}, whose new head is one Linear layer
 * @param backbone the registered base model ({@code name:version}) whose TorchScript module is the network's
 *        first block, fine-tuned and saved inside the parameters file with the head; null: the network is the MLP
 */
public record ModelDescriptor(
        String recipe,
        String jobId,
        int attempt,
        String modelName,
        List<String> classes,
        List<ModelCard.Field> inputs,
        String baseModel,
        Normalization normalization,
        int hiddenUnits,
        int hiddenLayers,
        Map<String, Object> hyperparameters,
        long seed,
        int epochs,
        EpochMetrics metrics,
        List<ModelCard.ClassMetrics> classMetrics,
        String warmStartedFrom,
        String backbone) {

    public ModelCard.ModelSchema toSchema() {
        return new ModelCard.ModelSchema(inputs, classes);
    }
}
