package io.finetune.scheduler.service;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/**
 * A job as submitted. The recipe and the hyperparameters are checked against the recipe catalogue
 * by {@link JobService}, which reports all of a request's field errors at once.
 *
 * @param recipe null for {@link JobService#DEFAULT_RECIPE}
 * @param hyperparameters only those that differ from the recipe's defaults; may be null
 * @param profile {@code interactive} or {@code production} (null: {@link Profile#DEFAULT}); names the lane
 * @param priorityClass {@code interactive}, {@code production} or {@code batch}; null: the profile's
 * @param model the model this job trains a new version of (same rules as names); null: the job's name
 * @param fresh true: always train, even when an identical job of the owner already succeeded
 *        (null or false: such a job is answered with that job's model version, {@link ResultReuse})
 * @param baseModel the registered base model to start from, {@code name} (its newest version, pinned at
 *        submission) or {@code name:version}; null: the recipe's own start. Only recipes that
 *        {@link io.finetune.common.recipes.Recipe#acceptsBaseModel() accept one}
 */
public record NewJob(
        @NotNull
        @Size(min = 1, max = 63)
        @Pattern(regexp = NAME_PATTERN, message = NAME_MESSAGE)
        String name,
        @NotNull UUID datasetId,
        String recipe,
        @NotNull @Min(1) @Max(1000) Integer epochs,
        Map<String, Object> hyperparameters,
        String profile,
        String priorityClass,
        @Size(min = 1, max = 63)
        @Pattern(regexp = NAME_PATTERN, message = NAME_MESSAGE)
        String model,
        Boolean fresh,
        String baseModel) {

    static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*";
    static final String NAME_MESSAGE =
            "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'";

    /** A production job of the default recipe and class. */
    public NewJob(String name, UUID datasetId, String recipe, Integer epochs, Map<String, Object> hyperparameters) {
        this(name, datasetId, recipe, epochs, hyperparameters, null, null);
    }

    /** A job that trains a model of its own name. */
    public NewJob(String name, UUID datasetId, String recipe, Integer epochs, Map<String, Object> hyperparameters,
            String profile, String priorityClass) {
        this(name, datasetId, recipe, epochs, hyperparameters, profile, priorityClass, null);
    }

    /** A job that may be answered with an identical earlier job's model version. */
    public NewJob(String name, UUID datasetId, String recipe, Integer epochs, Map<String, Object> hyperparameters,
            String profile, String priorityClass, String model) {
        this(name, datasetId, recipe, epochs, hyperparameters, profile, priorityClass, model, null);
    }

    /** A job that starts from the recipe's own start, no registered base model. */
    public NewJob(String name, UUID datasetId, String recipe, Integer epochs, Map<String, Object> hyperparameters,
            String profile, String priorityClass, String model, Boolean fresh) {
        this(name, datasetId, recipe, epochs, hyperparameters, profile, priorityClass, model, fresh, null);
    }
}
