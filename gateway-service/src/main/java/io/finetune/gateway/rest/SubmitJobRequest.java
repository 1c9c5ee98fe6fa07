package io.finetune.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/v1/jobs}: a named fine-tuning job on a validated dataset. Forwarded as is to
 * scheduler-service, which owns the recipe defaults and checks the hyperparameters.
 *
 * @param recipe a recipe of the catalogue; scheduler-service picks its default when absent
 * @param model the model this job trains a new version of (docs/models.md); absent: the job's name
 * @param profile {@code interactive} (small-GPU lane) or {@code production} (full-GPU lane, the default);
 *        checked by scheduler-service, which knows the lanes this platform has trainers for
 * @param priorityClass {@code interactive}, {@code production} or {@code batch}; absent: the profile's
 * @param fresh true: train even when an identical job of the user already succeeded; absent or false: such a
 *        job is answered with that job's model version (docs/scheduling.md, "Reusing results")
 * @param baseModel a registered base model to start from ({@code GET /api/v1/base-models}), {@code name} (its
 *        newest version, which scheduler-service pins) or {@code name:version}; only recipes that take one
 *        (docs/models.md, "Base models"); the form is checked here, the registry by scheduler-service
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmitJobRequest(
        @NotNull(message = "is required")
        @Pattern(regexp = Names.REGEX, message = Names.RULE)
        String name,
        @NotNull(message = "is required")
        UUID datasetId,
        String recipe,
        @NotNull(message = "is required")
        @Min(value = 1, message = "must be between 1 and 1000")
        @Max(value = 1000, message = "must be between 1 and 1000")
        Integer epochs,
        Map<String, Object> hyperparameters,
        @Pattern(regexp = Names.REGEX, message = Names.RULE)
        String model,
        String profile,
        String priorityClass,
        Boolean fresh,
        String baseModel) {
}
