package io.finetune.scheduler.messaging;

import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Locks;
import io.finetune.scheduler.entity.OutboxMessage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox: unsent messages in the order they were written, each with the key it was written with,
 * marked sent only once the broker has acknowledged them. A crash between the two publishes a
 * message again on restart; consumers drop it by its event id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final MutinyEmitter<String> emitter;
    private final int batchSize;

    OutboxRelay(@Channel(Channels.OUTBOX_OUT) MutinyEmitter<String> emitter, SchedulerConfig config) {
        this.emitter = emitter;
        this.batchSize = config.outbox().batchSize();
    }

    /** Publishes one batch; true when the batch was full and went out whole, so more may be waiting. */
    @Transactional
    public boolean publishBatch() {
        if (!Locks.tryOutboxRelay()) {
            return false;
        }
        List<OutboxMessage> batch = OutboxMessage.unsent(batchSize);
        // sent outside the transaction: the producer's callbacks run on its own threads, and must
        // not join this transaction (its commit would then fail as "active in several threads")
        List<CompletableFuture<Void>> acks = QuarkusTransaction.suspendingExisting().call(() -> send(batch));
        Instant now = Instant.now();
        for (int i = 0; i < batch.size(); i++) {
            try {
                acks.get(i).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warnf(e, "Outbox message %d to %s not acknowledged; retrying later", batch.get(i).id,
                        batch.get(i).topic);
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            batch.get(i).sentAt = now;
        }
        return batch.size() == batchSize;
    }

    private List<CompletableFuture<Void>> send(List<OutboxMessage> batch) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (OutboxMessage message : batch) {
            acks.add(emitter.sendMessage(Message.of(message.payload).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder()
                            .withTopic(message.topic)
                            .withKey(message.messageKey)
                            .build()))
                    .subscribeAsCompletionStage());
        }
        return acks;
    }
}
