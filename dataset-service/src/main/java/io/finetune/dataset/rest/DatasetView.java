package io.finetune.dataset.rest;

import io.finetune.common.events.ValidationProblem;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A dataset as the API shows it; {@code rows}, {@code bytes} and {@code columns} are null until validated. */
public record DatasetView(
        UUID id,
        String name,
        DatasetStatus status,
        Long rows,
        Long bytes,
        List<String> columns,
        List<ValidationProblem> problems,
        Instant createdAt) {

    static DatasetView of(Dataset dataset) {
        return new DatasetView(dataset.id, dataset.name, dataset.status, dataset.rows, dataset.bytes,
                dataset.columns, dataset.problems, dataset.createdAt);
    }
}
