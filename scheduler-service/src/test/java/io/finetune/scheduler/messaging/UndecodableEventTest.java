package io.finetune.scheduler.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobStatus;
import io.finetune.scheduler.service.JobService;
import io.finetune.scheduler.service.NewJob;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A record that is not a DatasetEvent does not stop consumption: it goes to the dead-letter topic
 * and the next event is applied. Runs on a private copy of the datasets topic, so no other module's
 * consumer ever sees the garbage.
 */
@QuarkusTest
@TestProfile(UndecodableEventTest.PrivateDatasetsTopic.class)
class UndecodableEventTest {

    private static final String TOPIC = "datasets.events.scheduler-test-" + UUID.randomUUID();

    public static class PrivateDatasetsTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.datasets-in.topic", TOPIC);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TopicCreator.class));
        }
    }

    /** Creates the private topic before the consumer subscribes to it. */
    public static class TopicCreator implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }

    @Inject
    JobService jobs;

    @AfterAll
    static void removeTopic() throws Exception {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(TOPIC)).all().get(10, TimeUnit.SECONDS);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:29092"));
    }

    @Test
    void anUndecodableRecordIsSetAsideAndConsumptionGoesOn() throws Exception {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        UUID id = jobs.submit(owner, new NewJob("after-garbage", datasetId, null, 1, null)).id();

        try (var deadLetters = TestKafka.Tail.fromEnd(KafkaTopology.DEAD_LETTER_TOPIC)) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                producer.send(new ProducerRecord<>(TOPIC, datasetId.toString(), "{not json")).get(10, TimeUnit.SECONDS);
            }
            TestKafka.publish(TOPIC, datasetId, TestData.validated(datasetId, owner, 10));

            await().atMost(Duration.ofSeconds(20)).until(() -> TestData.job(id).status != JobStatus.VALIDATING);
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.poll(List.of(datasetId)).size() == 1);
        }
        assertThat(TestData.job(id).status).isIn(JobStatus.QUEUED, JobStatus.DISPATCHED);
    }
}
