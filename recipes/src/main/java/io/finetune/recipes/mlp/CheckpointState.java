package io.finetune.recipes.mlp;

import io.finetune.common.events.ModelCard;
import io.finetune.recipes.EpochMetrics;
import io.finetune.recipes.TrainingInputException;
import java.util.List;
import java.util.Objects;

/**
 * {@code checkpoint.json}: what resuming needs besides the parameters.
 *
 * @param backbone the registered base model the network starts with ({@code name:version}), or null
 */
public record CheckpointState(
        int epoch,
        List<String> classes,
        List<ModelCard.Field> inputs,
        Normalization normalization,
        int hiddenUnits,
        EpochMetrics metrics,
        String warmStartedFrom,
        String backbone) {

    /** The dataset must still be the one the checkpoint was trained on, in shape, and the base model the same. */
    void check(List<ModelCard.Field> datasetInputs, List<String> datasetClasses, String requestBackbone) {
        if (!Objects.equals(backbone, requestBackbone)) {
            throw new TrainingInputException("The job's checkpoint was trained from base model " + backbone
                    + "; this attempt names " + requestBackbone + "; submit a new job.");
        }
        if (!inputs.equals(datasetInputs) || !classes.containsAll(datasetClasses)) {
            throw new TrainingInputException("The dataset no longer matches the job's checkpoint (inputs "
                    + names(inputs) + ", classes " + classes + "; now " + names(datasetInputs) + ", " + datasetClasses
                    + "); submit a new job.");
        }
    }

    private static List<String> names(List<ModelCard.Field> fields) {
        return fields.stream().map(ModelCard.Field::name).toList();
    }
}
