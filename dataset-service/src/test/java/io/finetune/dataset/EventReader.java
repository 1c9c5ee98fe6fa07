package io.finetune.dataset;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads datasets.events from the offsets it had when created, so it sees only what came after. */
public final class EventReader implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;

    private EventReader(KafkaConsumer<String, String> consumer) {
        this.consumer = consumer;
    }

    public static EventReader fromNow() throws InterruptedException, ExecutionException {
        String servers = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            admin.createTopics(List.of(new NewTopic(Topics.DATASETS_EVENTS, Optional.empty(), Optional.empty())))
                    .all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            consumer.partitionsFor(Topics.DATASETS_EVENTS).forEach(
                    p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            return !partitions.isEmpty();
        });
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the lazy seek now, before the event is sent
        return new EventReader(consumer);
    }

    /** The events keyed by {@code datasetId} that arrive within {@code wait}. */
    public List<ConsumerRecord<String, String>> pollFor(String datasetId, Duration wait) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Instant until = Instant.now().plus(wait);
        while (Instant.now().isBefore(until)) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (datasetId.equals(r.key())) {
                    found.add(r);
                }
            });
        }
        return found;
    }

    /** Waits for at least one event keyed by {@code datasetId}, then for any that follow right after. */
    public List<ConsumerRecord<String, String>> awaitFor(String datasetId) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (found.isEmpty() && Instant.now().isBefore(until)) {
            found.addAll(pollFor(datasetId, Duration.ofMillis(500)));
        }
        assertTrue(!found.isEmpty(), "no event for dataset " + datasetId + " on " + Topics.DATASETS_EVENTS);
        return found;
    }

    /** The {@code type} of an event record, e.g. {@code dataset.validated}. */
    public static String type(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value()).path("type").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON: " + record.value(), e);
        }
    }

    /** The events of {@code type} keyed by {@code datasetId}, waiting up to 20 s for the first. */
    public List<ConsumerRecord<String, String>> awaitType(String datasetId, String type) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (found.isEmpty() && Instant.now().isBefore(until)) {
            pollFor(datasetId, Duration.ofMillis(300)).stream().filter(r -> type.equals(type(r))).forEach(found::add);
        }
        assertTrue(!found.isEmpty(), "no " + type + " event for dataset " + datasetId);
        return found;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
