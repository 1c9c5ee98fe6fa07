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
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
    private final Duration retryBackoff;
    private final String bootstrapServers;
    private final String workerId;
    private final ObjectMapper objectMapper;
    private final ControlRegistry registry;
    /** Where reading goes on after a reconnect, so commands sent meanwhile are not skipped. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    /** Laptop mode ({@code --dataset}): no jobs from Kafka. */
    private final boolean local;

    private volatile boolean running;
    private volatile KafkaConsumer<String, String> polling;
    private Thread thread;

    public ControlConsumer(TrainerConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            ObjectMapper objectMapper, ControlRegistry registry, TrainingService trainingService) {
        this.config = config.control();
        this.retryBackoff = config.dispatch().retryBackoff();
        this.bootstrapServers = bootstrapServers;
        this.workerId = trainingService.workerId();
        this.objectMapper = objectMapper;
        this.registry = registry;
        this.local = config.local();
    }

    void start(@Observes StartupEvent event) {
        if (local) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "trainer-control");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (thread == null) {
            return;
        }
        running = false;
        KafkaConsumer<String, String> consumer = polling;
        if (consumer != null) {
            consumer.wakeup();
        }
        thread.join(POLL.toMillis() * 4);
    }

    private void loop() {
        while (running) {
            try {
                TopicCreator.ensure(bootstrapServers, config.topic(), config.partitions());
                read();
            } catch (KafkaException | ExecutionException | TimeoutException e) {
                LOG.warnf("Kafka at %s is not usable for %s (%s); retrying in %s", bootstrapServers, config.topic(), e,
                        retryBackoff);
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void read() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties())) {
            polling = consumer;
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
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    handle(record);
                    positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            polling = null;
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

    private void pause() {
        try {
            Thread.sleep(retryBackoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
