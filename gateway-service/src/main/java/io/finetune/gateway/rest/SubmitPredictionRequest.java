package io.finetune.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/**
 * {@code POST /api/v1/models/{name}/predictions}: a prediction job, forwarded as is to scheduler-service.
 *
 * @param datasetId the rows to predict: a dataset (best uploaded with {@code "purpose": "prediction"}) with a
 *        column for each of the model's inputs
 * @param version the model version to predict with; absent: the latest
 * @param name the job's name; absent: {@code <model>-predictions-<8 hex>}
 * @param priorityClass {@code interactive}, {@code production} (absent: this) or {@code batch}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmitPredictionRequest(
        @NotNull(message = "is required")
        UUID datasetId,
        @Min(value = 1, message = "must be a version number")
        @Max(value = Integer.MAX_VALUE, message = "must be a version number")
        Long version,
        @Pattern(regexp = Names.REGEX, message = Names.RULE)
        String name,
        String priorityClass) {
}
