package io.finetune.serving.messaging;

import io.finetune.serving.config.ServingConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Before the consumer subscribes (messaging starts at {@code LIBRARY_BEFORE}): creates
 * {@code models.events} and the dead-letter topic when missing, so a fresh broker neither answers
 * unknown-topic errors nor auto-creates them with its defaults, and notes how far the topic reached,
 * for {@link ReplayTracker}.
 */
@ApplicationScoped
public class TopicInitializer {

    public static final String DEAD_LETTER_TOPIC = "dead-letter.serving-service";

    private static final Logger LOG = Logger.getLogger(TopicInitializer.class);

    private final ServingConfig config;
    private final ReplayTracker replay;
    private final String bootstrapServers;

    public TopicInitializer(ServingConfig config, ReplayTracker replay,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.replay = replay;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event)
            throws InterruptedException, ExecutionException, TimeoutException {
        String topic = config.topic().modelsEvents();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = List.of(topic, DEAD_LETTER_TOPIC).stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, config.topic().partitions(), config.topic().replicationFactor()))
                    .toList();
            if (!missing.isEmpty()) {
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
            replay.startedAt(recordsAtStartOnceLed(admin, topic));
        }
    }

    /**
     * A topic just created has no partition leaders for a moment, and asking for its offsets then fails
     * with "does not host this topic-partition": asks again for up to 30 s.
     */
    private static Map<Integer, Long> recordsAtStartOnceLed(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return recordsAtStart(admin, topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Partition to its end offset, for the partitions that hold records (retention may have emptied some). */
    private static Map<Integer, Long> recordsAtStart(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        List<TopicPartition> partitions = description.partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> earliest = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.earliest()))).all()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all()
                .get(30, TimeUnit.SECONDS);
        Map<Integer, Long> ends = new HashMap<>();
        for (TopicPartition p : partitions) {
            if (latest.get(p).offset() > earliest.get(p).offset()) {
                ends.put(p.partition(), latest.get(p).offset());
            }
        }
        return ends;
    }
}
