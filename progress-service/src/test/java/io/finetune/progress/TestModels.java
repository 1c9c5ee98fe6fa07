package io.finetune.progress;

import io.finetune.common.events.ModelCard;
import io.finetune.common.events.ModelEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Model versions as scheduler-service registers them on models.events. */
public final class TestModels {

    private TestModels() {
    }

    /** Version {@code version} of the owner's model, trained by a job of its own, registered at {@code at}. */
    public static ModelEvent version(String owner, String model, int version, double accuracy, Instant at) {
        return version(owner, model, version, accuracy, at, UUID.randomUUID(), model + "-" + version);
    }

    /** A version trained by the given job. */
    public static ModelEvent version(String owner, String model, int version, double accuracy, Instant at,
            UUID jobId, String jobName) {
        return new ModelEvent(UUID.randomUUID(), ModelEvent.VERSION_REGISTERED, at.truncatedTo(ChronoUnit.MILLIS),
                version, owner, model, version, jobId, jobName, UUID.randomUUID(), "ab".repeat(32),
                card(jobId, accuracy));
    }

    /** The same registration delivered again under a new event id (a republished outbox row). */
    public static ModelEvent again(ModelEvent event) {
        return new ModelEvent(UUID.randomUUID(), event.type(), event.time(), event.sequence(), event.owner(),
                event.model(), event.version(), event.jobId(), event.jobName(), event.datasetId(),
                event.datasetSha256(), event.card());
    }

    private static ModelCard card(UUID jobId, double accuracy) {
        return new ModelCard("tabular-classification", null, Map.of("learningRate", 0.01, "batchSize", 32),
                Map.of(ModelCard.VALIDATION_ACCURACY, accuracy, ModelCard.VALIDATION_LOSS, 1 - accuracy),
                List.of(new ModelCard.ClassMetrics("ok", 0.9, 0.8, 0.85, 60)),
                new ModelCard.ModelSchema(List.of(new ModelCard.Field("temperature", ModelCard.Field.NUMBER, null)),
                        List.of("fail", "ok")),
                42, 1500, "cpu", "s3://models/" + jobId + "/attempt-1/", null);
    }
}
