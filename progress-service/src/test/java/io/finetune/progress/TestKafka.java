package io.finetune.progress;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.ModelEvent;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes events to the real broker as the scheduler and trainers do, and waits for their projection. */
public final class TestKafka implements AutoCloseable {

    private static final Duration PROJECTED = Duration.ofSeconds(60);

    private final KafkaProducer<String, String> producer;
    private final ObjectMapper json;
    private final DataSource db;

    public TestKafka(String bootstrapServers, ObjectMapper json, DataSource db) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        this.json = json;
        this.db = db;
    }

    public void publish(List<? extends PlatformEvent> events) {
        try {
            for (PlatformEvent event : events) {
                producer.send(new ProducerRecord<>(topicOf(event), keyOf(event), json.writeValueAsString(event))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish", e);
        }
    }

    private static String topicOf(PlatformEvent event) {
        if (event instanceof JobEvent) {
            return Topics.JOBS_EVENTS;
        }
        return event instanceof ModelEvent ? Topics.MODELS_EVENTS : Topics.TRAINING_EVENTS;
    }

    /** As the producers key them: a job's events by job id, a model's by {@code owner/model}. */
    private static String keyOf(PlatformEvent event) {
        if (event instanceof ModelEvent m) {
            return ModelEvent.key(m.owner(), m.model());
        }
        return (event instanceof JobEvent e ? e.jobId() : ((TrainingEvent) event).jobId()).toString();
    }

    /** Publishes the events and waits until the projection has applied each of them (heartbeats aside). */
    public void publishAndAwait(List<? extends PlatformEvent> events) {
        publish(events);
        await().atMost(PROJECTED).until(() -> events.stream()
                .filter(e -> !TrainingEvent.HEARTBEAT.equals(e.type()))
                .allMatch(e -> processed(e.eventId())));
    }

    public boolean processed(UUID eventId) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select 1 from processed_event where event_id = ?")) {
            s.setObject(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
