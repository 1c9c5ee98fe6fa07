package io.finetune.common.events;

import java.util.List;
import java.util.Map;

/**
 * Everything known about a trained model, written by the trainer that made it and carried unchanged
 * into the model version the scheduler registers. Serving validates inputs against {@link #schema()}.
 *
 * @param recipe the recipe that trained it (for example {@code tabular-classification})
 * @param baseModel the base model it started from (registry name and version), or null for none
 * @param hyperparameters every hyperparameter, defaults filled in
 * @param metrics final figures: {@code validationAccuracy}, {@code validationLoss}, {@code trainAccuracy},
 *        {@code trainLoss}
 * @param classes per-class validation figures
 * @param seed the seed of the validation split and initialisation, so the run can be repeated
 * @param durationMillis training time of the attempt that finished it
 * @param hardware where it trained, for example {@code cpu} or {@code gpu}
 * @param artifactUri the model files, {@code s3://bucket/prefix/}
 * @param warmStartedFrom the artifact it continued from (a daily retrain), or null
 */
public record ModelCard(
        String recipe,
        String baseModel,
        Map<String, Object> hyperparameters,
        Map<String, Double> metrics,
        List<ClassMetrics> classes,
        ModelSchema schema,
        long seed,
        long durationMillis,
        String hardware,
        String artifactUri,
        String warmStartedFrom) {

    public static final String VALIDATION_ACCURACY = "validationAccuracy";
    public static final String VALIDATION_LOSS = "validationLoss";
    public static final String TRAIN_ACCURACY = "trainAccuracy";
    public static final String TRAIN_LOSS = "trainLoss";

    /** Validation figures of one class. */
    public record ClassMetrics(String label, double precision, double recall, double f1, long support) {
    }

    /**
     * What a prediction request must contain.
     *
     * @param inputs the fields of one input, in the order the model reads them
     * @param labels the classes the model answers with
     */
    public record ModelSchema(List<Field> inputs, List<String> labels) {
    }

    /**
     * One input field.
     *
     * @param type {@link #NUMBER} or {@link #TEXT}
     * @param maxLength for text: the longest value accepted, in characters; null otherwise
     */
    public record Field(String name, String type, Integer maxLength) {
        public static final String NUMBER = "number";
        public static final String TEXT = "text";
    }
}
