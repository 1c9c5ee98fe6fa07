package io.finetune.progress.messaging;

import io.finetune.common.events.PlatformEvent;
import io.finetune.progress.service.JobProjection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Rebuilds the view from the topics alone: deletes the rows, then reads every topic (jobs, training,
 * models) from their
 * first retained offset to the end they had when it began, with a consumer of no group (the live
 * consumer's offsets stay as they are), and applies every event again. The merges make it safe
 * while the live consumer runs: an event both apply converges to the same row. Readers see a
 * partial view until it ends.
 */
@ApplicationScoped
public class ViewRebuilder {

    private static final Logger LOG = Logger.getLogger(ViewRebuilder.class);
    private static final int BATCH = 1000;

    private final JobProjection projection;
    private final DataSource db;
    private final EventTopics topics;
    private final String bootstrapServers;
    private final AtomicBoolean running = new AtomicBoolean();

    public ViewRebuilder(JobProjection projection, DataSource db, EventTopics topics,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.projection = projection;
        this.db = db;
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
    }

    /** Rebuilds every job; empty when a rebuild is already running. */
    public java.util.Optional<Result> rebuildAll() {
        return rebuild(null);
    }

    /** Rebuilds only the given jobs (the others' rows are left alone); empty when one is already running. */
    public java.util.Optional<Result> rebuild(Set<UUID> jobs) {
        if (!running.compareAndSet(false, true)) {
            return java.util.Optional.empty();
        }
        try {
            long start = System.nanoTime();
            delete(jobs);
            long[] counts = replay(jobs);
            Result result = new Result(counts[0], counts[1], Duration.ofNanos(System.nanoTime() - start).toMillis());
            LOG.infof("Rebuilt the view: %s", result);
            return java.util.Optional.of(result);
        } finally {
            running.set(false);
        }
    }

    private void delete(Set<UUID> jobs) {
        try (Connection c = db.getConnection()) {
            if (jobs == null) {
                try (Statement s = c.createStatement()) {
                    s.execute("truncate job_view, epoch_history, attempt_progress, model_version_view, job_event, processed_event");
                }
                return;
            }
            Object[] ids = jobs.toArray();
            for (String sql : List.of("delete from job_view where id = any(?)",
                    "delete from epoch_history where job_id = any(?)",
                    "delete from attempt_progress where job_id = any(?)",
                    "delete from model_version_view where job_id = any(?)",
                    "delete from job_event where job_id = any(?)")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setArray(1, c.createArrayOf("uuid", ids));
                    s.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not clear the view", e);
        }
    }

    /** Answers {events applied, records that were not events}. */
    private long[] replay(Set<UUID> jobs) {
        long applied = 0;
        long unreadable = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics.all()) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                List<PlatformEvent> batch = new ArrayList<>();
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(partition)) {
                        continue; // the live consumer takes what came after the start
                    }
                    try {
                        PlatformEvent event = topics.parse(record.topic(), record.value());
                        if (jobs == null || jobs.contains(JobProjection.jobId(event))) {
                            batch.add(event);
                        }
                    } catch (Exception e) {
                        unreadable++;
                    }
                }
                if (!batch.isEmpty()) {
                    projection.replay(batch);
                    applied += batch.size();
                }
            }
        }
        return new long[] {applied, unreadable};
    }

    /** @param unreadable records that are not events (they went to the dead-letter topic when first consumed) */
    public record Result(long events, long unreadable, long millis) {
    }
}
