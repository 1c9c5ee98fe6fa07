package io.finetune.recipes.mlp;

import io.finetune.common.events.ModelCard;
import io.finetune.recipes.EpochMetrics;
import io.finetune.recipes.TrainingInputException;
import java.util.List;

/** {@code checkpoint.json}: what resuming needs besides the parameters. */
public record CheckpointState(
        int epoch,
        List<String> classes,
        List<ModelCard.Field> inputs,
        Normalization normalization,
        int hiddenUnits,
        EpochMetrics metrics,
        String warmStartedFrom) {

    /** The dataset must still be the one the checkpoint was trained on, in shape. */
    void check(List<ModelCard.Field> datasetInputs, List<String> datasetClasses) {
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
