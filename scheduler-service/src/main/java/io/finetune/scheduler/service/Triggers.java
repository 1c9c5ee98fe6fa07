package io.finetune.scheduler.service;

import io.finetune.scheduler.messaging.OutboxRelay;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/**
 * When the dispatcher and the outbox relay run: right after every commit that wrote to the outbox
 * (every job transition does), and on a periodic tick that catches anything a crash or a failed
 * run left behind.
 */
@ApplicationScoped
public class Triggers {

    private final SerialRunner dispatcher;
    private final SerialRunner relay;

    Triggers(Dispatcher dispatcher, OutboxRelay relay) {
        this.dispatcher = new SerialRunner("dispatcher", dispatcher::releaseFreeSlots);
        this.relay = new SerialRunner("outbox-relay", () -> {
            while (relay.publishBatch()) {
                // a full batch went out: there may be more
            }
        });
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten written) {
        dispatcher.request();
        relay.request();
    }

    @Scheduled(every = "${scheduler.tick}", identity = "dispatcher-tick")
    void dispatcherTick() {
        dispatcher.request();
    }

    @Scheduled(every = "${scheduler.outbox.tick}", identity = "outbox-relay-tick")
    void relayTick() {
        relay.request();
    }

    @PreDestroy
    void stop() {
        dispatcher.close();
        relay.close();
    }
}
