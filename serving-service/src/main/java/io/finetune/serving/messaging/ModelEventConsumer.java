package io.finetune.serving.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelEvent;
import io.finetune.serving.service.ModelServer;
import io.finetune.serving.service.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Registers every version announced on {@code models.events}. Each process reads the whole topic with a
 * consumer group of its own (application.properties), so every replica knows every version, and a
 * restarted one rebuilds its registry from the start. Registering is idempotent (versions never
 * change); loading happens in the background, at once for a version that arrives after the replay.
 * An event that cannot be read goes to
 * {@code dead-letter.serving-service} (the channel's failure strategy) and consumption goes on.
 */
@ApplicationScoped
public class ModelEventConsumer {

    public static final String CHANNEL = "models-events";

    private static final Logger LOG = Logger.getLogger(ModelEventConsumer.class);

    private final ModelServer server;
    private final ObjectMapper json;
    private final ReplayTracker replay;

    public ModelEventConsumer(ModelServer server, ObjectMapper json, ReplayTracker replay) {
        this.server = server;
        this.json = json;
        this.replay = replay;
    }

    @Incoming(CHANNEL)
    public void onEvent(ConsumerRecord<String, String> record) throws IOException {
        try {
            ModelEvent event = json.readValue(record.value(), ModelEvent.class);
            if (!ModelEvent.VERSION_REGISTERED.equals(event.type())) {
                LOG.debugf("Ignoring %s event %s", event.type(), event.eventId());
                return;
            }
            server.register(ModelVersion.of(event), replay.caughtUp());
        } finally {
            replay.consumed(record.partition(), record.offset());
        }
    }
}
