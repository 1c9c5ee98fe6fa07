package io.finetune.trainer.messaging;

import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.trainer.recipe.EpochMetrics;
import java.time.Instant;
import java.util.UUID;

/**
 * The events of one attempt of one job. Each gets a fresh id and the next sequence number after
 * {@link TrainingEvent#sequenceBase(int)} of the attempt, so consumers can drop duplicates and
 * order the attempt's events whichever worker ran an earlier attempt.
 */
public final class JobEvents {

    private final TrainingEventPublisher publisher;
    private final TrainingDispatch dispatch;
    private final String worker;
    private String device;
    private long counter;

    JobEvents(TrainingEventPublisher publisher, TrainingDispatch dispatch, String worker) {
        this.publisher = publisher;
        this.dispatch = dispatch;
        this.worker = worker;
    }

    public void started(String device) {
        this.device = device;
        publish(TrainingEvent.STARTED, null, null, null);
    }

    public void epochCompleted(EpochMetrics metrics) {
        publish(TrainingEvent.EPOCH_COMPLETED, metrics, null, null);
    }

    public void succeeded(String modelUri, EpochMetrics finalMetrics) {
        publish(TrainingEvent.SUCCEEDED, finalMetrics, modelUri, null);
    }

    /** @param message for the user: what went wrong and, where they can, what to change */
    public void failed(String message) {
        publish(TrainingEvent.FAILED, null, null, message);
    }

    private synchronized void publish(String type, EpochMetrics m, String modelUri, String message) {
        counter++;
        publisher.publish(new TrainingEvent(
                UUID.randomUUID(),
                type,
                Instant.now(),
                TrainingEvent.sequenceBase(dispatch.attempt()) + counter,
                dispatch.jobId(),
                dispatch.owner(),
                dispatch.attempt(),
                worker,
                device,
                m == null ? null : m.epoch(),
                dispatch.epochs(),
                m == null ? null : m.trainLoss(),
                m == null ? null : m.trainAccuracy(),
                m == null ? null : m.validationLoss(),
                m == null ? null : m.validationAccuracy(),
                m == null ? null : m.samplesPerSecond(),
                m == null ? null : m.elapsedMillis(),
                m == null ? null : m.remainingMillis(),
                modelUri,
                message,
                null));
    }
}
