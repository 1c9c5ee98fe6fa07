package io.finetune.progress.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The platform-wide picture for administrators: no owner scoping (the gateway restricts the route). */
@ApplicationScoped
public class AdminOverviewService {

    /** The class of a job the scheduler has not classed (a partial row, or an old event). */
    static final String NO_CLASS = "unknown";

    private final DataSource db;

    public AdminOverviewService(DataSource db) {
        this.db = db;
    }

    public Overview overview() {
        Instant now = Instant.now();
        try (Connection c = db.getConnection()) {
            Map<String, Long> byState = new TreeMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "select status, count(*) from job_view where job_sequence > 0 group by status");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byState.put(rs.getString(1), rs.getLong(2));
                }
            }
            List<Lane> lanes = queues(c, "lane", ProjectionMetrics.NO_LANE, now, Lane::new);
            List<PriorityClassQueue> classes = queues(c, "priority_class", NO_CLASS, now, PriorityClassQueue::new);
            Map<String, Long> failures = new TreeMap<>();
            List<FailureHour> byHour = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    select date_trunc('hour', finished_at), coalesce(error_kind, 'unknown'), count(*)
                    from job_view where status = 'failed' and finished_at >= ?
                    group by 1, 2 order by 1, 2
                    """)) {
                s.setObject(1, now.minus(Duration.ofHours(24)).atOffset(java.time.ZoneOffset.UTC));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        failures.merge(rs.getString(2), rs.getLong(3), Long::sum);
                        byHour.add(new FailureHour(instant(rs, 1), rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            return new Overview(now, new LinkedHashMap<>(byState), lanes, classes, failures, byHour);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Queue length, oldest queued job and its wait, and running jobs per value of {@code column}. */
    private static <T> List<T> queues(Connection c, String column, String none, Instant now, QueueRow<T> row)
            throws SQLException {
        List<T> queues = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select coalesce(%s, ?), count(*) filter (where status = 'queued'),
                       min(queued_at) filter (where status = 'queued'), count(*) filter (where status = 'running')
                from job_view where status in ('queued', 'running') group by 1 order by 1
                """.formatted(column))) {
            s.setString(1, none);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant oldest = instant(rs, 3);
                    queues.add(row.of(rs.getString(1), rs.getLong(2), oldest,
                            oldest == null ? null : Duration.between(oldest, now).toMillis() / 1000.0, rs.getLong(4)));
                }
            }
        }
        return queues;
    }

    private interface QueueRow<T> {
        T of(String key, long queued, Instant oldestQueuedAt, Double oldestWaitSeconds, long running);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    /**
     * @param jobsByState every job of the view per status
     * @param lanes queue length, oldest queued job and its wait, and running jobs per lane
     * @param priorityClasses the same per priority class ({@code interactive}, {@code production}, {@code batch})
     * @param failuresLast24h failed jobs finished in the last 24 h per trainer error kind ({@code unknown}: none reported)
     * @param failuresByHour the same per hour, oldest first
     */
    public record Overview(Instant generatedAt, Map<String, Long> jobsByState, List<Lane> lanes,
            List<PriorityClassQueue> priorityClasses, Map<String, Long> failuresLast24h,
            List<FailureHour> failuresByHour) {
    }

    public record Lane(String lane, long queued, Instant oldestQueuedAt, Double oldestWaitSeconds, long running) {
    }

    public record PriorityClassQueue(String priorityClass, long queued, Instant oldestQueuedAt, Double oldestWaitSeconds,
            long running) {
    }

    public record FailureHour(Instant hour, String errorKind, long failures) {
    }
}
