package io.finetune.scheduler.service;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/**
 * A prediction job as submitted for a model ({@code POST /models/{model}/predictions}).
 *
 * @param name the job's name (unique per owner like every job's); null: {@code <model>-predictions-<8 hex>}
 * @param datasetId the rows to predict: a validated dataset that has a column for each of the model's inputs
 * @param version the model version to predict with; null: the latest
 * @param priorityClass {@code interactive}, {@code production} (null: this) or {@code batch}
 */
public record NewPredictionJob(
        @Size(min = 1, max = 63)
        @Pattern(regexp = NewJob.NAME_PATTERN, message = NewJob.NAME_MESSAGE)
        String name,
        @NotNull UUID datasetId,
        @Min(1) @Max(Integer.MAX_VALUE) Integer version,
        String priorityClass) {
}
