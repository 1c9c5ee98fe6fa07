package io.finetune.scheduler.messaging;

import io.finetune.common.events.TrainingEvent;
import io.finetune.common.problem.DatabaseUnavailable;
import io.finetune.scheduler.service.TrainingEventService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

@ApplicationScoped
public class TrainingEventsConsumer {

    private final TrainingEventService service;

    TrainingEventsConsumer(TrainingEventService service) {
        this.service = service;
    }

    // a database that is down or restarting: try the event again (the partition waits) instead of dead-lettering it
    @Retry(maxRetries = -1, delay = 1, delayUnit = ChronoUnit.SECONDS, maxDuration = 0)
    @RetryWhen(exception = DatabaseUnavailable.class)
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
