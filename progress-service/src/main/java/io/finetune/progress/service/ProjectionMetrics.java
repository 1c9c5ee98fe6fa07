package io.finetune.progress.service;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.progress.messaging.EventTopics;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The view's metrics (names in docs/metrics.md). Histograms are observed when a batch commits, only
 * for changes that took effect (a redelivery never takes effect twice); gauges are computed from
 * the view every {@code progress.metrics.refresh-every}, so every instance exports the whole view.
 * The event lag of each topic and the epoch duration exist from start-up (at 0); the series labelled
 * by lane or model appear with the first job or model that has them.
 */
@Startup
@ApplicationScoped
public class ProjectionMetrics {

    static final String NO_LANE = "none";
    private static final Logger LOG = Logger.getLogger(ProjectionMetrics.class);

    private final MeterRegistry registry;
    private final DataSource db;
    private final EventTopics topics;
    private final ModelViewService models;
    private final Map<Tags, AtomicReference<Double>> jobs = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicReference<Double>> modelVersions = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicReference<Double>> modelTimestamps = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicReference<Double>> modelAccuracies = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicReference<Double>> previousAccuracies = new ConcurrentHashMap<>();

    public ProjectionMetrics(MeterRegistry registry, DataSource db, EventTopics topics, ModelViewService models) {
        this.registry = registry;
        this.db = db;
        this.topics = topics;
        this.models = models;
        topics.all().forEach(this::eventLag);
        epochDuration();
    }

    /** Observes what a committed batch changed; {@code viewUpdatedAt} is the commit's time. */
    public void observe(JobProjection.Applied applied, Instant viewUpdatedAt) {
        for (PlatformEvent event : applied.events()) {
            String topic = topics.topicOf(event);
            eventLag(topic).record(nonNegative(Duration.between(event.time(), viewUpdatedAt)));
        }
        try {
            observeTransitions(applied.transitions());
            observeEpochs(applied.epochs());
        } catch (SQLException e) {
            LOG.warnf(e, "Could not observe the durations of %d transitions", applied.transitions().size());
        }
    }

    private void observeTransitions(List<JobEvent> transitions) throws SQLException {
        Set<UUID> ids = transitions.stream()
                .filter(t -> t.status() == JobStatus.RUNNING || t.status().isTerminal())
                .map(JobEvent::jobId).collect(Collectors.toSet());
        if (ids.isEmpty()) {
            return;
        }
        Map<UUID, Instant[]> times = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select id, queued_at, started_at, finished_at from job_view where id = any(?)")) {
            s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    times.put(rs.getObject(1, UUID.class),
                            new Instant[] {instant(rs, 2), instant(rs, 3), instant(rs, 4)});
                }
            }
        }
        for (JobEvent t : transitions) {
            Instant[] at = times.get(t.jobId());
            if (at == null) {
                continue;
            }
            Tags lane = Tags.of("lane", t.lane() == null ? NO_LANE : t.lane());
            if (t.status() == JobStatus.RUNNING && at[0] != null && at[1] != null) {
                timer("finetune.job.queue.wait", "time from a job's first queued to its start by a trainer",
                        Duration.ofSeconds(1), Duration.ofDays(3), lane).record(nonNegative(Duration.between(at[0], at[1])));
            } else if (t.status().isTerminal() && at[1] != null && at[2] != null) {
                timer("finetune.job.duration", "time from a job's start to its end",
                        Duration.ofSeconds(1), Duration.ofDays(3), lane.and("result", t.status().wireName()))
                        .record(nonNegative(Duration.between(at[1], at[2])));
            }
        }
    }

    /** An epoch's duration: its elapsed time minus the previous epoch's of the same attempt. */
    private void observeEpochs(List<TrainingEvent> epochs) throws SQLException {
        Map<String, Long> previous = new HashMap<>();
        List<TrainingEvent> timed = epochs.stream().filter(e -> e.elapsedMillis() != null).toList();
        if (timed.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                select job_id, attempt, epoch, elapsed_millis from epoch_history
                where job_id = any(?) and elapsed_millis is not null
                """)) {
            s.setArray(1, c.createArrayOf("uuid", timed.stream().map(TrainingEvent::jobId).distinct().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    previous.put(rs.getObject(1, UUID.class) + "/" + rs.getInt(2) + "/" + rs.getInt(3), rs.getLong(4));
                }
            }
        }
        for (TrainingEvent e : timed) {
            Long before = previous.get(e.jobId() + "/" + e.attempt() + "/" + (e.epoch() - 1));
            long millis = e.elapsedMillis() - (before == null ? 0 : before);
            epochDuration().record(nonNegative(Duration.ofMillis(millis)));
        }
    }

    /** Recomputes the gauges from the view. */
    @Scheduled(every = "${progress.metrics.refresh-every}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try (Connection c = db.getConnection()) {
            refreshJobs(c);
        } catch (SQLException e) {
            LOG.warn("Could not refresh the view's gauges", e);
        }
        try {
            refreshModels();
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh the models' gauges", e);
        }
    }

    private void refreshJobs(Connection c) throws SQLException {
        Map<Tags, Double> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                select status, coalesce(lane, ?), count(*) from job_view where job_sequence > 0 group by 1, 2
                """)) {
            s.setString(1, NO_LANE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(Tags.of("state", rs.getString(1), "lane", rs.getString(2)), (double) rs.getLong(3));
                }
            }
        }
        jobs.forEach((tags, value) -> value.set(counts.getOrDefault(tags, 0.0)));
        counts.forEach((tags, value) -> gauge(jobs, tags, "finetune.view.jobs",
                "jobs in the view per state and lane", tags).set(value));
    }

    /** Each model's latest version (docs/models.md): the alerts on stale models and accuracy drops read these. */
    private void refreshModels() {
        for (ModelViewService.Latest latest : models.latest(null, null)) {
            Tags tags = Tags.of("owner", latest.owner(), "model", latest.model());
            gauge(modelVersions, tags, "finetune.model.latest.version",
                    "the highest version of the model", tags).set((double) latest.version());
            gauge(modelTimestamps, tags, "finetune.model.latest.registered.timestamp.seconds",
                    "when the model's latest version was registered (Unix seconds)", tags)
                    .set(latest.registeredAt().toEpochMilli() / 1000.0);
            gauge(modelAccuracies, tags, "finetune.model.latest.validation.accuracy",
                    "validation accuracy (0..1) of the model's latest version", tags)
                    .set(orNaN(latest.validationAccuracy()));
            gauge(previousAccuracies, tags, "finetune.model.previous.validation.accuracy",
                    "validation accuracy (0..1) of the version before the latest; NaN when there is none", tags)
                    .set(latest.hasPrevious() ? orNaN(latest.previousAccuracy()) : Double.NaN);
        }
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }

    private <K> AtomicReference<Double> gauge(Map<K, AtomicReference<Double>> values, K key, String name,
            String description, Tags tags) {
        return values.computeIfAbsent(key, k -> {
            AtomicReference<Double> value = new AtomicReference<>(0.0);
            Gauge.builder(name, value, AtomicReference::get).description(description).tags(tags).register(registry);
            return value;
        });
    }

    private Timer eventLag(String topic) {
        return timer("finetune.event.lag", "time from an event's timestamp to the view's update",
                Duration.ofMillis(1), Duration.ofMinutes(5), Tags.of("topic", topic));
    }

    private Timer epochDuration() {
        return timer("finetune.epoch.duration", "time one epoch of training took",
                Duration.ofMillis(10), Duration.ofHours(6), Tags.empty());
    }

    private Timer timer(String name, String description, Duration min, Duration max, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).publishPercentileHistogram()
                .minimumExpectedValue(min).maximumExpectedValue(max).register(registry);
    }

    /** Clocks of producers and this service may differ by a little. */
    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
