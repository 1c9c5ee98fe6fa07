package io.finetune.serving.service;

import io.finetune.common.events.ModelEvent;
import java.time.Instant;

/**
 * One registered version of a model, as {@code models.events} announced it: where its artifact is.
 * Versions never change, so a replayed or repeated event yields an equal record.
 */
public record ModelVersion(String owner, String model, int version, String artifactUri, Instant registeredAt) {

    /** @throws IllegalArgumentException when the event cannot name a servable version */
    public static ModelVersion of(ModelEvent event) {
        if (event.owner() == null || event.model() == null || event.version() < 1) {
            throw new IllegalArgumentException("model event " + event.eventId() + " names no owner, model or version");
        }
        if (event.card() == null || event.card().artifactUri() == null) {
            throw new IllegalArgumentException("model event " + event.eventId() + " has no artifact URI");
        }
        return new ModelVersion(event.owner(), event.model(), event.version(), event.card().artifactUri(), event.time());
    }

    /** {@code owner/model}: the owner is part of a model's identity, so nobody reaches another's. */
    public String key() {
        return ModelEvent.key(owner, model);
    }

    @Override
    public String toString() {
        return key() + " v" + version;
    }
}
