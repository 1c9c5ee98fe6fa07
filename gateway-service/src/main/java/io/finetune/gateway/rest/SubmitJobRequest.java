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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmitJobRequest(
        @NotNull(message = "is required")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}",
                message = "must be 1 to 63 characters: letters, digits, '.', '_' or '-', starting with a letter or digit")
        String name,
        @NotNull(message = "is required")
        UUID datasetId,
        String recipe,
        @NotNull(message = "is required")
        @Min(value = 1, message = "must be between 1 and 1000")
        @Max(value = 1000, message = "must be between 1 and 1000")
        Integer epochs,
        Map<String, Object> hyperparameters) {
}
