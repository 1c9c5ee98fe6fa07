package io.finetune.common.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A fact about a model on {@link Topics#MODELS_EVENTS}, keyed by {@link #key(String, String)}. A public
 * integration surface (docs/events.md, docs/asyncapi.yaml). Produced by scheduler-service, which
 * numbers the versions of each model when the job that trained one succeeds. Versions never change;
 * the alias {@code latest} is always the highest version of the model.
 *
 * @param sequence the version number: it grows per model, so consumers keep the highest
 * @param model the model's name (the job's {@code model}, which defaults to the job's name)
 * @param version 1 for the first version of the model, then 2, 3, ...
 * @param jobName the job that trained it
 * @param datasetSha256 the SHA-256 of the dataset's bytes, or null when unknown
 */
public record ModelEvent(
        UUID eventId,
        String type,
        Instant time,
        long sequence,
        String owner,
        String model,
        int version,
        UUID jobId,
        String jobName,
        UUID datasetId,
        String datasetSha256,
        ModelCard card) implements PlatformEvent {

    /** A new version of a model was trained and registered; {@code latest} now points at it. */
    public static final String VERSION_REGISTERED = "model.version-registered";

    /** The Kafka key of a model's events: all versions of one model go to one partition, in order. */
    public static String key(String owner, String model) {
        return owner + "/" + model;
    }
}
