package io.finetune.recipes;

import io.finetune.common.events.ModelCard;
import java.util.List;
import java.util.Map;

/**
 * A model loaded from its artifact, ready to predict. Thread-safe: serving calls it from many
 * request threads at once. Closing it frees its native memory; a caller closes it only once no
 * prediction is running on it.
 */
public interface TrainedModel extends AutoCloseable {

    /** What each input must contain; the same schema the model card carries. */
    ModelCard.ModelSchema schema();

    /**
     * Predicts each input with exactly the preprocessing used in training.
     *
     * @param inputs field name to value (a number for {@code number} fields, a string for {@code text} ones)
     * @return one prediction per input, in order
     * @throws InvalidInputException naming the input and field when one does not fit the schema
     */
    List<Prediction> predict(List<Map<String, Object>> inputs);

    @Override
    void close();
}
