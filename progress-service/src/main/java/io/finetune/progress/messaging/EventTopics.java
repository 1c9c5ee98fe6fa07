package io.finetune.progress.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.ModelEvent;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import io.finetune.progress.config.ProgressConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The topics the view is built from and the event each carries, in one place for the live consumer,
 * the rebuild and the metrics.
 */
@ApplicationScoped
public class EventTopics {

    private final ProgressConfig config;
    private final ObjectMapper json;

    public EventTopics(ProgressConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    /** Every topic the view is materialized from. */
    public List<String> all() {
        return List.of(config.topics().jobsEvents(), config.topics().trainingEvents(), config.topics().modelsEvents());
    }

    /** The event of a record of {@code topic}. */
    public PlatformEvent parse(String topic, String value) throws JsonProcessingException {
        if (topic.equals(config.topics().jobsEvents())) {
            return json.readValue(value, JobEvent.class);
        }
        if (topic.equals(config.topics().trainingEvents())) {
            return json.readValue(value, TrainingEvent.class);
        }
        if (topic.equals(config.topics().modelsEvents())) {
            return json.readValue(value, ModelEvent.class);
        }
        throw new IllegalArgumentException("no events expected on topic " + topic);
    }

    /** The topic an event came from. */
    public String topicOf(PlatformEvent event) {
        if (event instanceof JobEvent) {
            return config.topics().jobsEvents();
        }
        return event instanceof ModelEvent ? config.topics().modelsEvents() : config.topics().trainingEvents();
    }
}
