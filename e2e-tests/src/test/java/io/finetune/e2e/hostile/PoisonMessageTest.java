package io.finetune.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.e2e.Csv;
import io.finetune.e2e.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A record that is not JSON, and one that is JSON of the wrong shape, on every partition of every
 * topic a service consumes: each lands on that service's dead-letter topic (docs/events.md) with a
 * reason header, and the consumers go on: a job started afterwards passes through every one of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonMessageTest {

    private static final String KAFKA = System.getProperty("e2e.kafka", "127.0.0.1:29092");
    private static final Duration DEAD_LETTER_WAIT = Duration.ofSeconds(60);

    /** Topic -> the services consuming it that dead-letter what they cannot read (application.properties). */
    private static final Map<String, List<String>> CONSUMERS = new LinkedHashMap<>();

    static {
        CONSUMERS.put("datasets.events", List.of("scheduler-service"));
        CONSUMERS.put("jobs.events", List.of("progress-service"));
        CONSUMERS.put("training.events", List.of("scheduler-service", "progress-service"));
        CONSUMERS.put("training.dispatch.production", List.of("trainer-worker"));
    }

    /** JSON with a known type but fields of the wrong type, per topic. */
    private static final Map<String, String> WRONG_SCHEMA = Map.of(
            "datasets.events", "{\"eventId\":\"not-a-uuid\",\"type\":\"dataset.validated\",\"datasetId\":42,\"sequence\":\"many\"}",
            "jobs.events", "{\"eventId\":\"not-a-uuid\",\"type\":\"job.queued\",\"jobId\":[1],\"epochs\":\"x\"}",
            "training.events", "{\"eventId\":\"not-a-uuid\",\"type\":\"training.epoch-completed\",\"jobId\":{},\"epoch\":\"one\"}",
            "training.dispatch.production", "{\"eventId\":\"not-a-uuid\",\"type\":\"training.dispatch\",\"jobId\":\"x\",\"attempt\":\"y\"}",
            "training.control", "{\"eventId\":\"not-a-uuid\",\"type\":\"training.cancel\",\"jobId\":true,\"attempt\":\"z\"}");

    private static Platform platform;
    private static Api api;
    private static final List<String> TABLE = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.shared();
        api = new Api(platform.gatewayUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println("\n[poison] topic | consumer | poison records | on its dead-letter topic | with a reason header");
        TABLE.forEach(System.out::println);
        ServiceLogs.assertNoSecrets();
    }

    @Test
    @Order(1)
    void poisonGoesToTheDeadLetterTopicWithAReasonAndConsumersGoOn() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> deadLetterTopics = CONSUMERS.values().stream().flatMap(List::stream).distinct()
                .map(service -> "dead-letter." + service).toList();
        Map<String, Integer> sent = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> deadLetters = consumer();
                KafkaProducer<String, String> producer = producer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : deadLetterTopics) {
                for (PartitionInfo p : deadLetters.partitionsFor(topic, Duration.ofSeconds(10))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            deadLetters.assign(partitions);
            deadLetters.seekToEnd(partitions);
            partitions.forEach(deadLetters::position); // fixes the start before anything is sent

            // the key marks each poison record: every dead-letter path keeps the key, not always the value
            for (String topic : WRONG_SCHEMA.keySet()) {
                int count = 0;
                for (PartitionInfo p : producer.partitionsFor(topic)) {
                    for (String kind : List.of("not-json", "wrong-schema")) {
                        String value = kind.equals("not-json") ? "this is not JSON {" + run : WRONG_SCHEMA.get(topic);
                        producer.send(new ProducerRecord<>(topic, p.partition(), key(run, topic, kind, p.partition()), value)).get();
                        count++;
                    }
                }
                sent.put(topic, count);
            }

            // topic -> service -> dead-lettered keys and whether each had a reason
            Map<String, Map<String, Integer>> arrived = new HashMap<>();
            Map<String, Map<String, Integer>> withReason = new HashMap<>();
            Instant deadline = Instant.now().plus(DEAD_LETTER_WAIT);
            while (Instant.now().isBefore(deadline) && !allArrived(sent, arrived)) {
                for (ConsumerRecord<String, String> record : deadLetters.poll(Duration.ofMillis(500))) {
                    if (record.key() == null || !record.key().startsWith("poison-" + run + "|")) {
                        continue;
                    }
                    String topic = record.key().split("\\|")[1];
                    String service = record.topic().substring("dead-letter.".length());
                    arrived.computeIfAbsent(topic, t -> new HashMap<>()).merge(service, 1, Integer::sum);
                    if (hasReason(record)) {
                        withReason.computeIfAbsent(topic, t -> new HashMap<>()).merge(service, 1, Integer::sum);
                    }
                }
            }

            List<String> failures = new ArrayList<>();
            for (var consumed : CONSUMERS.entrySet()) {
                for (String service : consumed.getValue()) {
                    int expected = sent.get(consumed.getKey());
                    int got = arrived.getOrDefault(consumed.getKey(), Map.of()).getOrDefault(service, 0);
                    int reasons = withReason.getOrDefault(consumed.getKey(), Map.of()).getOrDefault(service, 0);
                    boolean held = got == expected && reasons == expected;
                    TABLE.add(String.format("  %-30s | %-18s | %3d | %3d | %3d | %s", consumed.getKey(), service, expected, got,
                            reasons, held ? "held" : "FAILED"));
                    if (!held) {
                        failures.add(consumed.getKey() + " -> dead-letter." + service + ": " + got + " of " + expected
                                + " poison records arrived, " + reasons + " with a reason header");
                    }
                }
            }
            // training.control is read by every worker without a group: by design (ControlConsumer) skipped and logged
            TABLE.add(String.format("  %-30s | %-18s | %3d |   - |   - | %s", "training.control", "trainer-worker",
                    sent.get("training.control"), "skipped by design (every worker reads it); liveness below"));
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    @Test
    @Order(2)
    void consumersGoOnAfterThePoison() {
        String user = "after-poison-" + UUID.randomUUID();
        String dataset = api.upload(user, "after-poison", Csv.blobs(200, 3, 2, 9).getBytes(StandardCharsets.UTF_8))
                .path("id").asText();
        Api.Answer job = api.post(user, "/api/v1/jobs", Map.of("name", "after-poison", "datasetId", dataset, "epochs", 2));
        assertEquals(201, job.status(), job.body());
        String id = job.json().path("id").asText();
        Api.Answer done = await(Duration.ofMinutes(3), () -> api.get(user, "/api/v1/jobs/" + id),
                a -> a.json().path("status").asText().equals("succeeded"));
        assertEquals("[1,2]", done.json().path("epochHistory").findValuesAsText("epoch").toString().replace(" ", ""),
                done.body());

        // training.control: a cancel still reaches a running trainer
        Api.Answer longJob = api.post(user, "/api/v1/jobs", Map.of("name", "after-poison-cancel", "datasetId", dataset,
                "epochs", 1000));
        assertEquals(201, longJob.status(), longJob.body());
        String longId = longJob.json().path("id").asText();
        await(Duration.ofMinutes(2), () -> api.get(user, "/api/v1/jobs/" + longId),
                a -> a.json().path("status").asText().equals("running") && a.json().path("epoch").asInt() >= 1);
        assertTrue(api.post(user, "/api/v1/jobs/" + longId + "/cancel", null).status() < 300);
        await(Duration.ofMinutes(1), () -> api.get(user, "/api/v1/jobs/" + longId),
                a -> a.json().path("status").asText().equals("cancelled"));
        TABLE.add("  consumers go on: a job after the poison trained epochs [1, 2] and succeeded; a running job was cancelled: held");
    }

    @Test
    @Order(3)
    void trainerDeadLettersCarryAReason() throws Exception {
        String key = "poison-f4-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> deadLetters = consumer(); KafkaProducer<String, String> producer = producer()) {
            List<TopicPartition> partitions = deadLetters.partitionsFor("dead-letter.trainer-worker", Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            deadLetters.assign(partitions);
            deadLetters.seekToEnd(partitions);
            partitions.forEach(deadLetters::position);
            producer.send(new ProducerRecord<>("training.dispatch.production", key, "not JSON")).get();
            Instant deadline = Instant.now().plus(DEAD_LETTER_WAIT);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : deadLetters.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        assertTrue(hasReason(r), "dead-letter record without a reason header");
                        return;
                    }
                }
            }
            throw new AssertionError("the poison dispatch never reached dead-letter.trainer-worker");
        }
    }

    private static Api.Answer await(Duration atMost, java.util.function.Supplier<Api.Answer> get,
            java.util.function.Predicate<Api.Answer> done) {
        Instant deadline = Instant.now().plus(atMost);
        Api.Answer last = null;
        while (Instant.now().isBefore(deadline)) {
            last = get.get();
            if (last.status() == 200 && done.test(last)) {
                return last;
            }
            Api.sleep(1000);
        }
        throw new AssertionError("not reached within " + atMost + "; last answer: " + (last == null ? null : last.body()));
    }

    private static String key(String run, String topic, String kind, int partition) {
        return "poison-" + run + "|" + topic + "|" + kind + "|" + partition;
    }

    private static boolean hasReason(ConsumerRecord<String, String> record) {
        for (Header h : record.headers()) {
            if (h.key().toLowerCase().contains("reason") && h.value() != null && h.value().length > 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean allArrived(Map<String, Integer> sent, Map<String, Map<String, Integer>> arrived) {
        for (var consumed : CONSUMERS.entrySet()) {
            for (String service : consumed.getValue()) {
                if (arrived.getOrDefault(consumed.getKey(), Map.of()).getOrDefault(service, 0) < sent.get(consumed.getKey())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
