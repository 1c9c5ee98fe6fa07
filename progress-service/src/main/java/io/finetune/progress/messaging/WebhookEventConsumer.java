package io.finetune.progress.messaging;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.progress.service.WebhookService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code jobs.events} with a consumer group of its own (apart from the view's projection, so
 * neither waits for the other) and queues a webhook delivery per terminal transition. Idempotent:
 * a delivery is unique per webhook and event. A record that cannot be parsed is skipped here; the
 * projection's consumer sends it to the dead-letter topic.
 */
@ApplicationScoped
public class WebhookEventConsumer {

    public static final String CHANNEL = "webhook-events";

    private static final Logger LOG = Logger.getLogger(WebhookEventConsumer.class);

    private static final Set<String> NOT_TERMINAL = Arrays.stream(JobStatus.values())
            .filter(status -> !status.isTerminal()).map(JobStatus::wireName).collect(Collectors.toSet());

    private final WebhookService webhooks;
    private final ObjectMapper json;

    public WebhookEventConsumer(WebhookService webhooks, ObjectMapper json) {
        this.webhooks = webhooks;
        this.json = json;
    }

    @Incoming(CHANNEL)
    @Blocking(ordered = true)
    public void onEvents(ConsumerRecords<String, String> records) {
        List<JobEvent> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            try {
                if (!mayBeTerminal(record.value())) {
                    continue;
                }
                events.add(json.readValue(record.value(), JobEvent.class));
            } catch (Exception e) {
                LOG.debugf("Skipping %s-%d@%d: not a job event", record.topic(), record.partition(), record.offset());
            }
        }
        webhooks.enqueue(events);
    }

    /**
     * Whether a record may be a terminal transition, from its top-level {@code status} alone: most are
     * not, and reading every one whole cost this consumer as much CPU as the projection's. Anything
     * this cannot tell (no object, an unknown status) is read whole.
     */
    private boolean mayBeTerminal(String value) throws IOException {
        try (JsonParser parser = json.getFactory().createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return true;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean status = "status".equals(parser.currentName());
                JsonToken token = parser.nextToken();
                if (status) {
                    return token != JsonToken.VALUE_STRING || !NOT_TERMINAL.contains(parser.getText());
                }
                parser.skipChildren();
            }
            return true;
        }
    }
}
