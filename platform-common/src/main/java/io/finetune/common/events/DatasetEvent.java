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
        List<ValidationProblem> problems) implements PlatformEvent {

    public static final String VALIDATED = "dataset.validated";
    public static final String REJECTED = "dataset.rejected";
}
