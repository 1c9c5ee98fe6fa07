package io.finetune.trainer.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.TrainingControl;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.service.ControlRegistry;
import io.finetune.trainer.service.TrainingService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads every {@code training.control} command, on every worker: all partitions assigned by hand
 * (no consumer group, nothing committed), from the end of the topic when the worker starts. The
 * {@link ControlRegistry} passes a command on to the run it is meant for; the rest are only
 * remembered. A command that cannot be read is logged and skipped: every worker sees it, so
 * dead-lettering it would copy it once per worker.
 */
@ApplicationScoped
public class ControlConsumer {

    private static final Logger LOG = Logger.getLogger(ControlConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final TrainerConfig.Control config;
    private final short replicationFactor;
    private final String bootstrapServers;
    private final String workerId;
    private final ObjectMapper objectMapper;
    private final ControlRegistry registry;
    private final PollingLoop loop;
    /** Where reading goes on after a reconnect, so commands sent meanwhile are not skipped. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    /** Laptop mode ({@code --dataset}): no jobs from Kafka. */
    private final boolean local;

    public ControlConsumer(TrainerConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            ObjectMapper objectMapper, ControlRegistry registry, TrainingService trainingService) {
        this.config = config.control();
        this.replicationFactor = config.topicReplicationFactor();
        this.bootstrapServers = bootstrapServers;
        this.workerId = trainingService.workerId();
        this.objectMapper = objectMapper;
        this.registry = registry;
        this.local = config.local();
        this.loop = new PollingLoop("trainer-control", this.config.topic(), bootstrapServers,
                config.dispatch().retryBackoff(), this::round);
    }

    void start(@Observes StartupEvent event) {
        if (!local) {
            loop.start();
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(POLL.multipliedBy(4));
    }

    private void round() throws ExecutionException, InterruptedException, TimeoutException {
        TopicCreator.ensure(bootstrapServers, config.topic(), config.partitions(), replicationFactor);
        loop.poll(consumerProperties(), consumer -> {
            read(consumer);
            return Optional.empty();
        });
    }

    /** Reads from where it stopped (the end of the topic the first time) until stopped. */
    private void read(KafkaConsumer<String, String> consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor(config.topic()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        for (TopicPartition partition : partitions) {
            Long position = positions.get(partition);
            if (position == null) {
                consumer.seekToEnd(List.of(partition));
                positions.put(partition, consumer.position(partition));
            } else {
                consumer.seek(partition, position);
            }
        }
        LOG.infof("Worker %s reads commands from %s (%d partitions)", workerId, config.topic(), partitions.size());
        while (loop.running()) {
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                handle(record);
                positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
        }
    }

    private void handle(ConsumerRecord<String, String> record) {
        try {
            TrainingControl control = objectMapper.readValue(record.value(), TrainingControl.class);
            if (registry.accept(control)) {
                LOG.infof("Command %s for job %s attempt %d (%s)", control.type(), control.jobId(), control.attempt(),
                        control.reason());
            }
        } catch (Exception e) {
            LOG.warnf("Command %s-%d@%d is unreadable (%s); skipped", record.topic(), record.partition(), record.offset(),
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "trainer-control-" + workerId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }
}
