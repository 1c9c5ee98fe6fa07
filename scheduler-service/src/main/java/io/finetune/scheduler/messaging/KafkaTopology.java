package io.finetune.scheduler.messaging;

import io.finetune.common.events.Topics;
import io.finetune.scheduler.config.SchedulerConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sets up the topics this service uses before it publishes anything, and keeps KEDA's contract:
 * the trainers' consumer group has committed offsets on every lane's dispatch topic from the start,
 * so its lag counts every release, even before any trainer has ever run (KEDA cannot see the lag of a
 * group without offsets, and with zero trainers nothing would ever start).
 */
@ApplicationScoped
public class KafkaTopology {

    private static final Logger LOG = Logger.getLogger(KafkaTopology.class);
    private static final long TIMEOUT_SECONDS = 30;
    static final String DEAD_LETTER_TOPIC = "dead-letter.scheduler-service";

    private final String bootstrapServers;
    private final SchedulerConfig config;
    private volatile boolean ready;

    KafkaTopology(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, SchedulerConfig config) {
        this.bootstrapServers = bootstrapServers;
        this.config = config;
    }

    /** True once every lane's dispatch topic exists and the trainers' group has offsets on all its partitions. */
    public boolean ready() {
        return ready;
    }

    void onStart(@Observes StartupEvent event) throws ExecutionException, InterruptedException,
            TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            createMissingTopics(admin);
            for (SchedulerConfig.Lane lane : config.lanes().values()) {
                seedTrainerGroup(admin, lane.topic());
            }
        }
        ready = true;
    }

    private void createMissingTopics(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (SchedulerConfig.Lane lane : config.lanes().values()) {
            if (!existing.contains(lane.topic())) {
                missing.add(new NewTopic(lane.topic(), Optional.of(lane.partitions()), Optional.empty()));
            }
        }
        // the event topics take the broker's defaults; whichever service starts first creates them
        for (String topic : List.of(Topics.DATASETS_EVENTS, Topics.TRAINING_EVENTS, Topics.JOBS_EVENTS,
                Topics.MODELS_EVENTS, Topics.TRAINING_CONTROL, DEAD_LETTER_TOPIC)) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
            }
        }
        for (var created : admin.createTopics(missing).values().entrySet()) {
            try {
                created.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.infof("Created topic %s", created.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** Commits the current end offsets for the partitions of a dispatch topic where the group has none. */
    private void seedTrainerGroup(Admin admin, String topic) throws ExecutionException, InterruptedException,
            TimeoutException {
        String group = config.dispatch().trainerGroup();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> unseeded = admin.describeTopics(List.of(topic))
                .allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .filter(tp -> committed.get(tp) == null)
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        if (unseeded.isEmpty()) {
            return;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(unseeded).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> seed = ends.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
        try {
            admin.alterConsumerGroupOffsets(group, seed).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownMemberIdException || e.getCause() instanceof StaleMemberEpochException) {
                // trainers are in the group already: they consume, and their commits give KEDA its lag
                LOG.infof("Consumer group %s has active members; leaving its offsets to them", group);
                return;
            }
            throw e;
        }
        LOG.infof("Seeded offsets of consumer group %s on %s for partitions %s", group, topic, seed.keySet());
    }
}
