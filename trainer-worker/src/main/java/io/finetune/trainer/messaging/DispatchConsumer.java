package io.finetune.trainer.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.service.TrainingService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Takes jobs from the dispatch topic one at a time: joins the trainers' group, polls until one
 * dispatch arrives, commits past it, leaves the group, and only then trains.
 *
 * <p>Training takes hours, far beyond {@code max.poll.interval.ms}, so the job is taken (its
 * offset committed) before training and not inside a poll loop. Leaving the group while busy
 * hands this worker's partitions to the idle workers, so the next dispatch goes to a free one and
 * the group's lag counts exactly the jobs nobody has taken yet (what KEDA scales on). A worker
 * that dies after the commit loses the job; the scheduler requeues it when its events stop.
 * Plain Kafka clients rather than a Reactive Messaging channel, whose consumer stays in the group
 * and acknowledges after processing.
 */
@ApplicationScoped
public class DispatchConsumer {

    public static final String DEAD_LETTER_CHANNEL = "dead-letter";
    private static final Logger LOG = Logger.getLogger(DispatchConsumer.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final TrainerConfig.Dispatch config;
    private final short replicationFactor;
    private final String bootstrapServers;
    private final String workerId;
    private final ObjectMapper objectMapper;
    private final TrainingService trainingService;
    private final Emitter<String> deadLetters;

    /** Laptop mode ({@code --dataset}): no jobs from Kafka. */
    private final boolean local;

    private final String deadLetterTopic;
    private final PollingLoop loop;
    /** Only the loop's thread reads and sets it. */
    private boolean topicReady;

    public DispatchConsumer(TrainerConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "mp.messaging.outgoing." + DEAD_LETTER_CHANNEL + ".topic") String deadLetterTopic,
            ObjectMapper objectMapper, TrainingService trainingService,
            @Channel(DEAD_LETTER_CHANNEL) Emitter<String> deadLetters) {
        this.config = config.dispatch();
        this.replicationFactor = config.topicReplicationFactor();
        this.bootstrapServers = bootstrapServers;
        this.deadLetterTopic = deadLetterTopic;
        this.workerId = trainingService.workerId();
        this.objectMapper = objectMapper;
        this.trainingService = trainingService;
        this.deadLetters = deadLetters;
        this.local = config.local();
        this.loop = new PollingLoop("trainer-dispatch", this.config.topic(), bootstrapServers,
                this.config.retryBackoff(), this::round);
    }

    void start(@Observes StartupEvent event) {
        if (local) {
            return;
        }
        LOG.infof("Worker %s takes jobs from %s in group %s", workerId, config.topic(), config.group());
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (!loop.stop(SHUTDOWN_GRACE)) {
            LOG.warn("Stopping while a job is still training; the scheduler requeues it when its events stop");
        }
    }

    private void round() throws ExecutionException, InterruptedException, TimeoutException {
        if (!topicReady) {
            // The scheduler normally creates the dispatch topic. The dead-letter topic is this service's:
            // created up front, so that its readers (an operator, a test) find it before the first poison record
            TopicCreator.ensure(bootstrapServers, config.topic(), config.partitions(), replicationFactor);
            TopicCreator.ensure(bootstrapServers, deadLetterTopic, 1, replicationFactor);
            topicReady = true;
        }
        loop.poll(consumerProperties(), this::take).flatMap(this::parse).ifPresent(trainingService::run);
    }

    /** Polls until one dispatch arrives and commits past it; empty when stopping. */
    private Optional<ConsumerRecord<String, String>> take(KafkaConsumer<String, String> consumer) {
        consumer.subscribe(List.of(config.topic()));
        while (loop.running()) {
            for (ConsumerRecord<String, String> record : consumer.poll(config.pollTimeout())) {
                // max.poll.records=1: this is the only record; the rest stay for the other workers
                consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1)));
                LOG.infof("Took dispatch %s-%d@%d (job %s)", record.topic(), record.partition(), record.offset(),
                        record.key());
                return Optional.of(record);
            }
        }
        return Optional.empty();
    }

    private Optional<TrainingDispatch> parse(ConsumerRecord<String, String> record) {
        try {
            TrainingDispatch dispatch = objectMapper.readValue(record.value(), TrainingDispatch.class);
            if (dispatch.jobId() == null || dispatch.attempt() < 1) {
                throw new IllegalArgumentException("no jobId or attempt");
            }
            return Optional.of(dispatch);
        } catch (Exception e) {
            LOG.errorf("Dispatch %s-%d@%d is unreadable (%s); sent to the dead-letter topic", record.topic(),
                    record.partition(), record.offset(), String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            deadLetters.send(KafkaRecord.of(record.key(), record.value())
                    .withHeader(Topics.DEAD_LETTER_REASON_HEADER, String.valueOf(e))
                    .withHeader(Topics.DEAD_LETTER_TOPIC_HEADER, record.topic()));
            return Optional.empty();
        }
    }

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "trainer-" + workerId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }
}
