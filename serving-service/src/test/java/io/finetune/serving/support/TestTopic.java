package io.finetune.serving.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A {@code models.events} topic of this test run on the shared test broker: versions other modules'
 * tests registered would otherwise be loaded here too. Deleted when the tests end.
 */
public class TestTopic implements QuarkusTestResourceLifecycleManager {

    public static final String BOOTSTRAP = System.getProperty("serving.test.kafka", "127.0.0.1:29092");

    private String topic;

    @Override
    public Map<String, String> start() {
        topic = "models.events.serving-test-" + UUID.randomUUID();
        return Map.of("serving.topic.models-events", topic);
    }

    @Override
    public void stop() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("could not delete test topic " + topic + ": " + e);
        }
    }
}
