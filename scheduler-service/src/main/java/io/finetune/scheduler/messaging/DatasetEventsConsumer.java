package io.finetune.scheduler.messaging;

import io.finetune.common.events.DatasetEvent;
import io.finetune.scheduler.service.DatasetEventService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

@ApplicationScoped
public class DatasetEventsConsumer {

    private final DatasetEventService service;

    DatasetEventsConsumer(DatasetEventService service) {
        this.service = service;
    }

    @Incoming(Channels.DATASETS_IN)
    @Blocking
    public void consume(DatasetEvent event) {
        if (event == null) {
            // the failure-strategy puts it on the dead-letter topic, with the original bytes in its headers
            throw new IllegalArgumentException("Undecodable record");
        }
        service.onDatasetEvent(event);
    }
}
