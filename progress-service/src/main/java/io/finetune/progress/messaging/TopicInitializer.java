package io.finetune.progress.messaging;

import io.finetune.progress.config.ProgressConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Creates the topics this service reads and its dead-letter topic before the consumers subscribe
 * (the messaging start-up observes at {@code LIBRARY_BEFORE}), so a fresh broker never answers
 * them with unknown-topic errors or auto-creates them with the broker's defaults.
 */
@ApplicationScoped
public class TopicInitializer {

    public static final String DEAD_LETTER_TOPIC = "dead-letter.progress-service";

    private static final Logger LOG = Logger.getLogger(TopicInitializer.class);

    private final ProgressConfig config;
    private final String bootstrapServers;

    public TopicInitializer(ProgressConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = List.of(config.topics().jobsEvents(), config.topics().trainingEvents(),
                            config.topics().modelsEvents(), DEAD_LETTER_TOPIC).stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, config.topics().partitions(), config.topics().replicationFactor()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.infof("Created topics %s", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                // Another service created one of them meanwhile: that is all we wanted.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }
}
