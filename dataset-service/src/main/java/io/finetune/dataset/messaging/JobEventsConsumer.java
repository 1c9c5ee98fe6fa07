package io.finetune.dataset.messaging;

import io.finetune.common.events.JobEvent;
import io.finetune.dataset.service.DatasetUses;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Learns from {@code jobs.events} (Topics.JOBS_EVENTS) which jobs use which dataset. */
@ApplicationScoped
public class JobEventsConsumer {

    /** The incoming channel; application.properties binds it to the topic. */
    public static final String CHANNEL = "jobs-events";

    private final DatasetUses uses;

    public JobEventsConsumer(DatasetUses uses) {
        this.uses = uses;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(JobEvent event) {
        if (event == null || event.jobId() == null || event.datasetId() == null || event.status() == null
                || event.owner() == null) {
            // the failure-strategy puts it on dead-letter.dataset-service, with the reason in a header
            throw new IllegalArgumentException("Not a job event this service can use (undecodable, or without"
                    + " jobId, datasetId, owner or status)");
        }
        uses.apply(event);
    }
}
