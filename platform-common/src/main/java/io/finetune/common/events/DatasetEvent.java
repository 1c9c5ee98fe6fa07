package io.finetune.common.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A fact about a dataset on {@link Topics#DATASETS_EVENTS}, keyed by dataset id.
 *
 * @param objectKey where the bytes are in the object store
 * @param rows data rows (header excluded); null until validated
 * @param bytes size of the object
 * @param columns the header's columns
 * @param problems why the dataset was rejected; empty otherwise
 * @param sha256 the SHA-256 of the object's bytes, once the upload is complete; null before
 * @param purpose {@link #TRAINING} (also when null: a dataset-service older than prediction datasets) or
 *        {@link #PREDICTION}: rows without labels, for a prediction job
 */
public record DatasetEvent(
        UUID eventId,
        String type,
        Instant time,
        long sequence,
        UUID datasetId,
        String owner,
        String name,
        String objectKey,
        Long rows,
        Long bytes,
        List<String> columns,
        List<ValidationProblem> problems,
        String sha256,
        String purpose) implements PlatformEvent {

    /** A dataset with labels, for training (the default). */
    public static final String TRAINING = "training";
    /** A dataset of inputs without labels, for a prediction job. */
    public static final String PREDICTION = "prediction";

    /** A training dataset's event. */
    public DatasetEvent(UUID eventId, String type, Instant time, long sequence, UUID datasetId, String owner,
            String name, String objectKey, Long rows, Long bytes, List<String> columns,
            List<ValidationProblem> problems, String sha256) {
        this(eventId, type, time, sequence, datasetId, owner, name, objectKey, rows, bytes, columns, problems, sha256,
                TRAINING);
    }

    /** A dataset was named and its upload opened. */
    public static final String CREATED = "dataset.created";
    /** The upload is complete: the whole file is in the store, validation follows. */
    public static final String UPLOADED = "dataset.uploaded";
    public static final String VALIDATED = "dataset.validated";
    public static final String REJECTED = "dataset.rejected";
    /** The dataset and (unless another dataset shares it) its object are gone. */
    public static final String DELETED = "dataset.deleted";
}
