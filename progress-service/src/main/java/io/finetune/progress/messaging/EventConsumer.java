package io.finetune.progress.messaging;

import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.Topics;
import io.finetune.common.problem.DatabaseUnavailable;
import io.finetune.progress.service.JobProjection;
import io.finetune.progress.service.ProjectionMetrics;
import io.smallrye.faulttolerance.api.RetryWhen;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds {@code jobs.events}, {@code training.events} and {@code models.events} into the projection,
 * one poll's batch per transaction (one channel reads every topic, so one consumer writes a job's rows). A message that
 * cannot be parsed, or whose event cannot be applied even on its own, goes to the dead-letter topic
 * unchanged with the reason in a header, and the rest of the batch goes on.
 */
@ApplicationScoped
public class EventConsumer {

    public static final String EVENTS_CHANNEL = "events";
    public static final String DEAD_LETTER_CHANNEL = "dead-letter";

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final JobProjection projection;
    private final ProjectionMetrics metrics;
    private final EventTopics topics;
    private final Emitter<String> deadLetters;

    public EventConsumer(JobProjection projection, ProjectionMetrics metrics, EventTopics topics,
            @Channel(DEAD_LETTER_CHANNEL) Emitter<String> deadLetters) {
        this.projection = projection;
        this.metrics = metrics;
        this.topics = topics;
        this.deadLetters = deadLetters;
    }

    /**
     * A database that is down or restarting fails the batch as a whole, and the batch is tried again
     * (the partitions wait; the projection is idempotent): its events are not the culprits.
     */
    @Incoming(EVENTS_CHANNEL)
    @Blocking(ordered = true)
    @Retry(maxRetries = -1, delay = 1, delayUnit = ChronoUnit.SECONDS, maxDuration = 0)
    @RetryWhen(exception = DatabaseUnavailable.class)
    public void onEvents(ConsumerRecords<String, String> records) {
        List<PlatformEvent> events = new ArrayList<>(records.count());
        Map<PlatformEvent, ConsumerRecord<String, String>> origins = new IdentityHashMap<>();
        Map<ConsumerRecord<String, String>, Exception> unreadable = new IdentityHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                PlatformEvent event = topics.parse(record.topic(), record.value());
                events.add(event);
                origins.put(event, record);
            } catch (Exception e) {
                unreadable.put(record, e);
            }
        }
        try {
            metrics.observe(projection.apply(events), Instant.now());
        } catch (RuntimeException batchFailure) {
            if (DatabaseUnavailable.matches(batchFailure)) {
                throw batchFailure;
            }
            // One event the database rejects (or a transient conflict) fails the whole batch: apply
            // them one by one so that only the culprit is set aside.
            LOG.warnf("A batch of %d events failed (%s); applying them one by one", events.size(), batchFailure);
            for (PlatformEvent event : events) {
                try {
                    metrics.observe(projection.apply(List.of(event)), Instant.now());
                } catch (RuntimeException e) {
                    if (DatabaseUnavailable.matches(e)) {
                        throw e;
                    }
                    deadLetter(origins.get(event), e);
                }
            }
        }
        // after the batch is applied, so that a retried batch does not set them aside twice
        unreadable.forEach(this::deadLetter);
    }

    private void deadLetter(ConsumerRecord<String, String> record, Exception cause) {
        LOG.errorf(cause, "Sending %s-%d@%d to the dead-letter topic", record.topic(), record.partition(),
                record.offset());
        deadLetters.send(KafkaRecord.of(record.key(), record.value())
                .withHeader(Topics.DEAD_LETTER_REASON_HEADER, String.valueOf(cause))
                .withHeader(Topics.DEAD_LETTER_TOPIC_HEADER, record.topic()));
    }
}
