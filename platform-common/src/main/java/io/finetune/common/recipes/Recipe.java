package io.finetune.common.recipes;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.problem.Problem;

/**
 * The training recipes a job can name, with their hyperparameters and defaults. The scheduler
 * validates a job's hyperparameters against this and records them with defaults filled in; the
 * trainer reads them from the dispatch. A recipe's dataset schema is checked by dataset-service.
 */
public enum Recipe {

    /** An MLP over numeric feature columns predicting the {@code label} column. */
    TABULAR_CLASSIFICATION("tabular-classification", defaults(
            "learningRate", 0.01,
            "batchSize", 32,
            "hiddenUnits", 64,
            "validationSplit", 0.2,
            "seed", 42)),

    /**
     * A classification head trained on a frozen pretrained sentence encoder (all-MiniLM-L6-v2) over the
     * {@code text} column, predicting the {@code label} column.
     */
    TEXT_CLASSIFICATION("text-classification", defaults(
            "learningRate", 0.005,
            "batchSize", 32,
            "hiddenUnits", 128,
            "validationSplit", 0.2,
            "seed", 42,
            "maxTextLength", 2000));

    /** The column every classification dataset must have. */
    public static final String LABEL_COLUMN = "label";
    /** A job's field naming the base model it starts from. */
    public static final String BASE_MODEL_FIELD = "baseModel";
    /** The input column of a text-classification dataset. */
    public static final String TEXT_COLUMN = "text";

    private final String wireName;
    private final Map<String, Number> defaults;

    Recipe(String wireName, Map<String, Number> defaults) {
        this.wireName = wireName;
        this.defaults = defaults;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public Map<String, Number> defaults() {
        return defaults;
    }

    @JsonCreator
    public static Optional<Recipe> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(value)).findFirst();
    }

    /**
     * Whether a job of this recipe may name a registered base model ({@code BaseModel}) to start from;
     * text-classification's encoder (all-MiniLM-L6-v2) is built in.
     */
    public boolean acceptsBaseModel() {
        return this == TABULAR_CLASSIFICATION;
    }

    /**
     * What is wrong with a job of this recipe naming {@code baseModel} (null: none): its form
     * ({@link BaseModel.Reference}), or that this recipe takes none; empty when it may be looked up in
     * the registry, which only the scheduler reads.
     */
    public List<Problem.FieldError> baseModelProblems(String baseModel) {
        if (baseModel == null) {
            return List.of();
        }
        if (BaseModel.Reference.parse(baseModel).isEmpty()) {
            return List.of(new Problem.FieldError(BASE_MODEL_FIELD, BaseModel.Reference.RULE));
        }
        if (!acceptsBaseModel()) {
            return List.of(new Problem.FieldError(BASE_MODEL_FIELD, "recipe '" + wireName
                    + "' starts from its built-in base model; recipes that take a registered one: "
                    + Arrays.stream(values()).filter(Recipe::acceptsBaseModel).map(Recipe::wireName).toList()));
        }
        return List.of();
    }

    /** What is wrong with the given hyperparameters, one entry per field; empty when they are valid. */
    public List<Problem.FieldError> problems(Map<String, Object> given) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (given != null) {
            given.forEach((key, value) -> {
                String field = "hyperparameters." + key;
                if (!defaults.containsKey(key)) {
                    errors.add(new Problem.FieldError(field,
                            "unknown hyperparameter for " + wireName + "; known: " + defaults.keySet()));
                } else if (!(value instanceof Number number) || number.doubleValue() <= 0) {
                    errors.add(new Problem.FieldError(field, "must be a positive number"));
                }
            });
        }
        return errors;
    }

    /** Every hyperparameter of this recipe: the given (valid) ones over the defaults. */
    public Map<String, Object> withDefaults(Map<String, Object> given) {
        Map<String, Object> all = new LinkedHashMap<>(defaults);
        if (given != null) {
            all.putAll(given);
        }
        return all;
    }

    private static Map<String, Number> defaults(Object... keyValues) {
        Map<String, Number> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], (Number) keyValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
