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
        if (event == null) {
            // the failure-strategy puts it on the dead-letter topic, with the original bytes in its headers
            throw new IllegalArgumentException("Undecodable record");
        }
        service.onTrainingEvent(event);
    }
}
