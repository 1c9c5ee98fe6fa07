package io.finetune.dataset.rest;

import io.finetune.common.events.ValidationProblem;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetKind;
import io.finetune.dataset.entity.DatasetStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A dataset as the API shows it. Statistics ({@code kind}, {@code rows}, {@code columns}, {@code classCounts},
 * {@code format}, {@code sha256}, {@code estimatedSecondsPerEpoch}) are null until validated;
 * {@code bytes} is known from the end of the upload. While a multipart upload is open,
 * {@code uploadId}, {@code partSize} and {@code partCount} let a client that lost its state resume.
 *
 * @param kind the schema of the file: {@code tabular} (numeric features + label, the tabular-classification
 *     recipe) or {@code text} (text + label, the text-classification recipe)
 * @param purpose {@code training} (labelled rows) or {@code prediction} (inputs for a prediction job)
 * @param source where an import read the file (no query string, no credentials); null for an upload
 * @param duplicateOf the owner's earlier dataset with the same bytes, whose stored object this one shares
 * @param estimatedSecondsPerEpoch rows over {@value #SAMPLES_PER_SECOND} samples per second, a CPU trainer's pace
 */
public record DatasetView(
        UUID id,
        String name,
        DatasetStatus status,
        DatasetKind kind,
        Long rows,
        Long bytes,
        List<String> columns,
        Map<String, Long> classCounts,
        String format,
        String sha256,
        Double estimatedSecondsPerEpoch,
        UUID duplicateOf,
        List<ValidationProblem> problems,
        String uploadId,
        Long partSize,
        Integer partCount,
        Instant createdAt,
        String purpose,
        String source) {

    /** The quickstart's MLP on one CPU core trains about this many rows per second (README figures). */
    static final double SAMPLES_PER_SECOND = 20_000;

    static DatasetView of(Dataset dataset) {
        Double estimate = dataset.rows == null || dataset.status != DatasetStatus.VALIDATED ? null
                : Math.ceil(dataset.rows / SAMPLES_PER_SECOND * 10) / 10;
        return new DatasetView(dataset.id, dataset.name, dataset.status, dataset.kind, dataset.rows, dataset.bytes,
                dataset.columns, dataset.classCounts, dataset.format, dataset.sha256, estimate, dataset.duplicateOf,
                dataset.problems, dataset.uploadId, dataset.partSize, dataset.partCount, dataset.createdAt,
                dataset.purpose, dataset.source);
    }
}
