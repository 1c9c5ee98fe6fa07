package io.finetune.trainer.messaging;

import io.finetune.common.events.ModelCard;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.recipes.EpochMetrics;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * The events of one attempt of one job. Each gets a fresh id and the next sequence number after
 * {@link TrainingEvent#sequenceBase(int)} of the attempt, so consumers can drop duplicates and
 * order the attempt's events whichever worker ran an earlier attempt.
 */
public final class JobEvents {

    private static final Set<String> TERMINAL = Set.of(TrainingEvent.SUCCEEDED, TrainingEvent.FAILED,
            TrainingEvent.CANCELLED, TrainingEvent.PREEMPTED);

    private final TrainingEventPublisher publisher;
    private final TrainingDispatch dispatch;
    private final String worker;
    private String device;
    private long counter;
    private boolean finished;

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

    /** @param card the trained model's card, which the scheduler registers as a version */
    public void succeeded(String modelUri, EpochMetrics finalMetrics, ModelCard card) {
        publish(TrainingEvent.SUCCEEDED, finalMetrics.epoch(), finalMetrics, finalMetrics.elapsedMillis(), modelUri, null,
                null, card);
    }

    /** A prediction job succeeded: {@code resultUri} is its predictions file. */
    public void predicted(String resultUri, long elapsedMillis) {
        publish(TrainingEvent.SUCCEEDED, null, null, elapsedMillis, null, null, null, null, resultUri);
    }

    /**
     * Proves the worker is alive; {@code epoch} is the last completed one (null before the first).
     * Dropped once the attempt has ended, so no heartbeat follows its last event.
     */
    public synchronized void heartbeat(Integer epoch, long elapsedMillis) {
        if (!finished) {
            publish(TrainingEvent.HEARTBEAT, epoch, null, elapsedMillis, null, null, null, null);
        }
    }

    /** @param checkpointEpoch the checkpoint kept, or 0 when there is none */
    public void cancelled(int checkpointEpoch, String message) {
        publish(TrainingEvent.CANCELLED, checkpointEpoch == 0 ? null : checkpointEpoch, null, null, null, message, null,
                null);
    }

    /** @param checkpointEpoch the checkpoint just saved (0: before the first epoch ended): the job resumes after it */
    public void preempted(int checkpointEpoch, String message) {
        publish(TrainingEvent.PREEMPTED, checkpointEpoch == 0 ? null : checkpointEpoch, null, null, null, message, null,
                null);
    }

    /**
     * @param message for the user: what went wrong and, where they can, what to change
     * @param errorKind {@link TrainingEvent#USER_DATA}, {@link TrainingEvent#INFRASTRUCTURE} or
     *        {@link TrainingEvent#OUT_OF_MEMORY}
     */
    public void failed(String message, String errorKind) {
        publish(TrainingEvent.FAILED, null, null, null, null, message, errorKind, null);
    }

    private void publish(String type, EpochMetrics m, String modelUri, String message) {
        publish(type, m == null ? null : m.epoch(), m, m == null ? null : m.elapsedMillis(), modelUri, message, null, null);
    }

    private void publish(String type, Integer epoch, EpochMetrics m, Long elapsedMillis, String modelUri,
            String message, String errorKind, ModelCard card) {
        publish(type, epoch, m, elapsedMillis, modelUri, message, errorKind, card, null);
    }

    /** Synchronized: heartbeats come from another thread, and the sequence must follow the send order. */
    private synchronized void publish(String type, Integer epoch, EpochMetrics m, Long elapsedMillis, String modelUri,
            String message, String errorKind, ModelCard card, String resultUri) {
        finished |= TERMINAL.contains(type);
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
                epoch,
                dispatch.epochs(),
                m == null ? null : m.trainLoss(),
                m == null ? null : m.trainAccuracy(),
                m == null ? null : m.validationLoss(),
                m == null ? null : m.validationAccuracy(),
                m == null ? null : m.samplesPerSecond(),
                elapsedMillis,
                m == null ? null : m.remainingMillis(),
                modelUri,
                message,
                errorKind,
                card,
                resultUri));
    }
}
