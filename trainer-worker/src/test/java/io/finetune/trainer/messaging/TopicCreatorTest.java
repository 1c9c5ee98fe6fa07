package io.finetune.trainer.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.finetune.trainer.config.TrainerConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Topics the worker creates when missing, on the test broker (a single node). */
@QuarkusTest
class TopicCreatorTest {

    @Inject
    TrainerConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void createsAMissingTopicWithTheConfiguredReplicationFactor() throws Exception {
        String topic = "trainer-test.created." + UUID.randomUUID();
        // Not set in the test profile: the default, which a single local broker can hold
        assertEquals(1, config.topicReplicationFactor());

        TopicCreator.ensure(bootstrapServers, topic, 3, config.topicReplicationFactor());
        // A second worker finding it there leaves it as it is
        TopicCreator.ensure(bootstrapServers, topic, 5, config.topicReplicationFactor());

        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            assertEquals(3, description.partitions().size());
            description.partitions().forEach(partition -> assertEquals(config.topicReplicationFactor(),
                    partition.replicas().size(), "replicas of partition " + partition.partition()));
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void asksTheBrokerForTheReplicationFactorItIsGiven() {
        String topic = "trainer-test.created." + UUID.randomUUID();

        // One broker cannot hold two replicas: the broker refuses rather than silently creating one
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> TopicCreator.ensure(bootstrapServers, topic, 1, (short) 2));
        assertInstanceOf(InvalidReplicationFactorException.class, refused.getCause());
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }
}
