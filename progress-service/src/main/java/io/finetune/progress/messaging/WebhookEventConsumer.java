package io.finetune.progress.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.progress.service.WebhookService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
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
                events.add(json.readValue(record.value(), JobEvent.class));
            } catch (Exception e) {
                LOG.debugf("Skipping %s-%d@%d: not a job event", record.topic(), record.partition(), record.offset());
            }
        }
        webhooks.enqueue(events);
    }
}
