package io.finetune.progress.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.TrainingEvent;
import io.finetune.progress.service.JobProjection;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds {@code jobs.events} and {@code training.events} into the projection. Payloads arrive as
 * text and are parsed here, so that an unreadable message and one whose projection fails both
 * reach the dead-letter topic unchanged (the channel's failure strategy) instead of stopping it.
 */
@ApplicationScoped
public class EventConsumer {

    public static final String JOBS_EVENTS_CHANNEL = "jobs-events";
    public static final String TRAINING_EVENTS_CHANNEL = "training-events";

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final JobProjection projection;
    private final ObjectMapper json;

    public EventConsumer(JobProjection projection, ObjectMapper json) {
        this.projection = projection;
        this.json = json;
    }

    @Incoming(JOBS_EVENTS_CHANNEL)
    @Blocking
    public void onJobEvent(String payload) throws JsonProcessingException {
        JobEvent event = json.readValue(payload, JobEvent.class);
        if (!projection.apply(event)) {
            LOG.debugf("Dropped duplicate %s %s of job %s", event.type(), event.eventId(), event.jobId());
        }
    }

    @Incoming(TRAINING_EVENTS_CHANNEL)
    @Blocking
    public void onTrainingEvent(String payload) throws JsonProcessingException {
        TrainingEvent event = json.readValue(payload, TrainingEvent.class);
        if (!projection.apply(event)) {
            LOG.debugf("Skipped %s %s of job %s", event.type(), event.eventId(), event.jobId());
        }
    }
}
