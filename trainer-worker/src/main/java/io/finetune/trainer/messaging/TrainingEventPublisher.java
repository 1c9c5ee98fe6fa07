package io.finetune.trainer.messaging;

import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Sends {@link TrainingEvent}s to {@code training.events}, keyed by job id. */
@ApplicationScoped
public class TrainingEventPublisher {

    public static final String CHANNEL = "training-events";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Emitter<TrainingEvent> emitter;

    public TrainingEventPublisher(@Channel(CHANNEL) Emitter<TrainingEvent> emitter) {
        this.emitter = emitter;
    }

    /** The events of one run of {@code dispatch}, numbered from its attempt's sequence base. */
    public JobEvents forJob(TrainingDispatch dispatch, String worker) {
        return new JobEvents(this, dispatch, worker);
    }

    /**
     * Waits for the broker's acknowledgement, so that a job's events are written in order and a
     * finished job's result is on the topic before the worker takes the next job.
     */
    void publish(TrainingEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.jobId().toString()).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        try {
            acked.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.type(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish " + event.type() + " of job " + event.jobId(), e);
        }
    }
}
