package io.finetune.scheduler.messaging;

import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.service.TrainingEventService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

@ApplicationScoped
public class TrainingEventsConsumer {

    private final TrainingEventService service;

    TrainingEventsConsumer(TrainingEventService service) {
        this.service = service;
    }

    @Incoming(Channels.TRAINING_IN)
    @Blocking
    public void consume(TrainingEvent event) {
        service.onTrainingEvent(event);
    }
}
