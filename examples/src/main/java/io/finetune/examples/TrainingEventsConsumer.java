package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An integration that follows {@code training.events} (docs/asyncapi.yaml) with plain kafka-clients,
 * as a customer's system would: it parses the JSON itself (no platform library), drops duplicates by
 * {@code eventId} and ignores an event whose {@code sequence} is lower than one it already applied for
 * that job, so redelivery and replays are harmless.
 */
@Command(name = "training-events", mixinStandardHelpOptions = true,
        description = "Prints the training events of the platform's jobs as they happen.")
public class TrainingEventsConsumer implements Callable<Integer> {

    static final String TOPIC = "training.events";

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:19092", description = "Kafka (default: ${DEFAULT-VALUE}, the dev/up broker)")
    String bootstrap;

    @Option(names = "--group", defaultValue = "example-training-events",
            description = "Consumer group: a restarted consumer goes on where it stopped (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--from-beginning", description = "A new group starts at the oldest retained event instead of the newest")
    boolean fromBeginning;

    @Option(names = "--owner", description = "Only this user's jobs")
    String owner;

    @Option(names = "--heartbeats", description = "Print heartbeats too")
    boolean heartbeats;

    @Option(names = "--exit-after-succeeded", defaultValue = "0", description = "Stop after this many training.succeeded (0: never)")
    int exitAfterSucceeded;

    @Option(names = "--timeout", defaultValue = "0", description = "Give up after this many seconds (0: never); exits 1")
    long timeoutSeconds;

    private final ObjectMapper json = new ObjectMapper();

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(new CommandLine(new TrainingEventsConsumer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // offsets are committed after the events of a poll were handled: at-least-once, duplicates dropped below
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");

        Set<String> seen = new HashSet<>();
        Map<String, Long> highest = new HashMap<>();
        int succeeded = 0;
        Instant deadline = timeoutSeconds > 0 ? Instant.now().plusSeconds(timeoutSeconds) : Instant.MAX;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            System.out.printf("following %s on %s as group %s%s%n", TOPIC, bootstrap, group, owner == null ? "" : ", owner " + owner);
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // resolve the start positions now, so that every event from here on is seen
                    partitions.forEach(consumer::position);
                    System.out.printf("ready: %d partition(s) assigned%n", partitions.size());
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }
            });
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode e = parse(record.value());
                    if (e == null || (owner != null && !owner.equals(e.path("owner").asText()))) {
                        continue;
                    }
                    String jobId = e.path("jobId").asText();
                    long sequence = e.path("sequence").asLong();
                    if (!seen.add(e.path("eventId").asText()) || sequence < highest.getOrDefault(jobId, Long.MIN_VALUE)) {
                        continue; // a duplicate, or older than what this job already showed
                    }
                    highest.put(jobId, sequence);
                    String type = e.path("type").asText();
                    if (heartbeats || !"training.heartbeat".equals(type)) {
                        System.out.println(describe(e));
                    }
                    if ("training.succeeded".equals(type) && ++succeeded == exitAfterSucceeded) {
                        consumer.commitSync();
                        return 0;
                    }
                }
                consumer.commitSync();
            }
        }
        System.out.printf("stopped after %d s%n", timeoutSeconds);
        return 1;
    }

    private JsonNode parse(String value) {
        try {
            return value == null ? null : json.readTree(value);
        } catch (Exception unreadable) {
            System.out.println("skipped a record that is not JSON");
            return null;
        }
    }

    private static String describe(JsonNode e) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %-24s job %s attempt %d", e.path("time").asText(),
                e.path("type").asText(), e.path("jobId").asText(), e.path("attempt").asInt()));
        if (e.hasNonNull("epoch")) {
            line.append(String.format(Locale.ROOT, " epoch %d/%d", e.get("epoch").asInt(), e.path("epochs").asInt()));
        }
        if (e.hasNonNull("validationAccuracy")) {
            line.append(String.format(Locale.ROOT, " validation acc %.3f", e.get("validationAccuracy").asDouble()));
        }
        if (e.hasNonNull("modelUri")) {
            line.append(" model ").append(e.get("modelUri").asText());
        }
        if (e.hasNonNull("message")) {
            line.append(" ").append(e.path("errorKind").asText("")).append(": ").append(e.get("message").asText());
        }
        return line.toString();
    }
}
