package io.finetune.trainer.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code training.events} from the current end onwards, without a consumer group, and
 * keeps only one job's events (other modules' tests share the topic).
 */
public final class TrainingEventsReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final ObjectMapper objectMapper;

    public TrainingEventsReader(String bootstrapServers, ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = partitions();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolves the end offsets now, before the test publishes anything
        partitions.forEach(consumer::position);
    }

    /** The topic's partitions; asking for them makes the broker create the topic on a fresh broker. */
    private List<TopicPartition> partitions() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<PartitionInfo> found = consumer.partitionsFor(Topics.TRAINING_EVENTS, Duration.ofSeconds(10));
            if (!found.isEmpty()) {
                return found.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            consumer.poll(Duration.ofMillis(200));
        }
        throw new AssertionError(Topics.TRAINING_EVENTS + " has no partitions");
    }

    /** The job's events in arrival order, up to and including the first that {@code last} accepts. */
    public List<TrainingEvent> until(UUID jobId, Predicate<TrainingEvent> last, Duration timeout) {
        List<TrainingEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (!jobId.toString().equals(record.key())) {
                    continue;
                }
                TrainingEvent event = read(record.value());
                events.add(event);
                if (last.test(event)) {
                    return events;
                }
            }
        }
        throw new AssertionError("job " + jobId + " did not finish within " + timeout + "; its events: " + events);
    }

    private TrainingEvent read(String json) {
        try {
            return objectMapper.readValue(json, TrainingEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
