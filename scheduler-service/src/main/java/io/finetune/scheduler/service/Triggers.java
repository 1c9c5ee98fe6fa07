package io.finetune.scheduler.service;

import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.messaging.KafkaTopology;
import io.finetune.scheduler.messaging.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
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
    private final SchedulerConfig config;

    Triggers(Dispatcher dispatcher, OutboxRelay relay, KafkaTopology topology, SchedulerConfig config) {
        this.config = config;
        this.dispatcher = new SerialRunner("dispatcher", dispatcher::releaseFreeSlots);
        this.relay = new SerialRunner("outbox-relay", () -> {
            // until the trainers' group has offsets, a dispatch could slip past the lag KEDA sees
            if (!topology.ready()) {
                return;
            }
            while (relay.publishBatch()) {
                // a full batch went out: there may be more
            }
        });
    }

    void start(@Observes StartupEvent event) {
        relay.every(config.outbox().tick());
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten written) {
        dispatcher.request();
        relay.request();
    }

    @Scheduled(every = "${scheduler.tick}", identity = "dispatcher-tick")
    void dispatcherTick() {
        dispatcher.request();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        dispatcher.stop();
        relay.stop();
    }
}
