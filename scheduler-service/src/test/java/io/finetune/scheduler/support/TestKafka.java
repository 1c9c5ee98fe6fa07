package io.finetune.scheduler.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.finetune.common.events.PlatformEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain Kafka clients on the test broker: what other services would send, and what this one published. */
public final class TestKafka {

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private TestKafka() {
    }

    public static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** The production lane's dispatch topic: where jobs of the default profile go. */
    public static String dispatchTopic() {
        return dispatchTopic("production");
    }

    public static String dispatchTopic(String lane) {
        return ConfigProvider.getConfig().getValue("scheduler.lanes." + lane + ".topic", String.class);
    }

    public static String trainerGroup() {
        return ConfigProvider.getConfig().getValue("scheduler.dispatch.trainer-group", String.class);
    }

    /** Publishes the event as JSON, as another service would, and waits for the broker's ack. */
    public static void publish(String topic, Object key, PlatformEvent event) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key.toString(), MAPPER.writeValueAsString(event)))
                    .get(10, TimeUnit.SECONDS);
        } catch (JsonProcessingException | ExecutionException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Cannot publish to " + topic, e);
        }
    }

    public static <T> T read(ConsumerRecord<String, String> record, Class<T> type) {
        try {
            return MAPPER.readValue(record.value(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The lag of a consumer group on a topic, as KEDA computes it: end offsets minus committed
     * offsets, summed over partitions. Fails if a partition has no committed offset.
     */
    public static long lag(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            var ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata offset = committed.get(tp);
                if (offset == null) {
                    throw new AssertionError("group " + group + " has no committed offset on " + tp);
                }
                lag += ends.get(tp).offset() - offset.offset();
            }
            return lag;
        }
    }

    /** Reads a topic from its current end on: only what is published after {@link #fromEnd}. */
    public static final class Tail implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

        private Tail(KafkaConsumer<String, String> consumer) {
            this.consumer = consumer;
        }

        public static Tail fromEnd(String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: fix the positions now, before the test acts
            partitions.forEach(consumer::position);
            return new Tail(consumer);
        }

        /** Everything read so far whose key is one of {@code keys}, in the order of each partition. */
        public List<ConsumerRecord<String, String>> poll(Collection<?> keys) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            List<String> wanted = keys.stream().map(Object::toString).toList();
            return seen.stream().filter(r -> wanted.contains(r.key())).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
