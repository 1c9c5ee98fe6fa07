package io.finetune.progress.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobStatus;
import io.finetune.common.problem.ProblemException;
import io.finetune.progress.service.JobQuery.Cursor;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Answers the owner's questions about their jobs from the materialized view. Every query is scoped
 * by owner, and shows only rows the scheduler's first event has completed ({@code job_sequence > 0}).
 */
@ApplicationScoped
public class JobViewService {

    /**
     * The epoch reports shown for job {@code v}: no later attempt (up to the one that succeeded, if
     * any) has reported that epoch or an earlier one. An attempt resuming from a checkpoint at epoch
     * k keeps 1..k of the earlier attempt; one restarting from scratch hides all of them; attempts
     * after the successful one never show.
     */
    static final String VISIBLE_EPOCH = """
            (v.succeeded_attempt is null or h.attempt <= v.succeeded_attempt)
            and not exists (select 1 from attempt_progress p
                            where p.job_id = h.job_id and p.attempt > h.attempt and p.first_epoch <= h.epoch
                              and (v.succeeded_attempt is null or p.attempt <= v.succeeded_attempt))
            """;

    private static final String SUMMARY_SELECT = """
            select v.id, v.owner, v.name, v.status, v.reason, v.recipe, v.dataset_id, v.lane, v.priority_class,
                   v.queued_at, v.started_at, v.finished_at, v.epochs, v.model_uri, v.hyperparameters,
                   case when v.status = 'failed' then v.error_kind end as error_kind,
                   e.epoch, e.train_loss, e.train_accuracy, e.validation_loss, e.validation_accuracy,
                   coalesce(mv.model, v.model) as model, coalesce(mv.version, v.model_version) as model_version,
                   coalesce(v.kind, 'training') as kind, v.result_uri, v.base_model
            """;
    private static final String SUMMARY_FROM = """
            from job_view v
            left join lateral (select h.epoch, h.train_loss, h.train_accuracy, h.validation_loss,
                                      h.validation_accuracy
                               from epoch_history h
                               where h.job_id = v.id and %s
                               order by h.epoch desc limit 1) e on true
            left join model_version_view mv on mv.job_id = v.id
            """.formatted(VISIBLE_EPOCH);
    /** A lane's queue in order (the partial index job_view_queued_lane: no sort). */
    private static final String QUEUE = "select id from job_view where status = 'queued' and lane = ? order by queued_at, id";

    private static final String QUEUED = JobStatus.QUEUED.wireName();

    private final DataSource db;
    private final ObjectMapper json;

    public JobViewService(DataSource db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    /** One page of the owner's jobs; the next page's cursor when there may be more. */
    public Page list(String owner, JobQuery query) {
        String key = query.sort().expression;
        StringBuilder sql = new StringBuilder(SUMMARY_SELECT).append(", ").append(key).append(" as sort_key ")
                .append(SUMMARY_FROM).append(" where v.owner = ? and v.job_sequence > 0");
        List<Object> params = new ArrayList<>();
        params.add(owner);
        if (!query.statuses().isEmpty()) {
            sql.append(" and v.status = any(?)");
            params.add(query.statuses().toArray(String[]::new));
        }
        if (query.namePrefix() != null) {
            sql.append(" and v.name like ? escape '\\'");
            params.add(query.namePrefix().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (query.nameExact() != null) {
            sql.append(" and v.name = ?");
            params.add(query.nameExact());
        }
        if (query.queuedFrom() != null) {
            sql.append(" and v.queued_at >= ?");
            params.add(query.queuedFrom());
        }
        if (query.queuedTo() != null) {
            sql.append(" and v.queued_at < ?");
            params.add(query.queuedTo());
        }
        String direction = query.descending() ? "desc" : "asc";
        Cursor after = query.after();
        if (after != null) {
            String cmp = query.descending() ? "<" : ">";
            Object value = query.sort().time ? Instant.parse(after.key()) : after.key();
            sql.append(" and (").append(key).append(' ').append(cmp).append(" ? or (").append(key)
                    .append(" = ? and v.id ").append(cmp).append(" ?))");
            params.add(value);
            params.add(value);
            params.add(after.id());
        }
        String order = " order by %s " + direction + ", %s " + direction;
        sql.append(order.formatted(key, "v.id")).append(" limit ?");
        params.add(query.limit() + 1);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(c, s, params);
            List<JobSummary> items = new ArrayList<>();
            String lastKey = null;
            boolean more = false;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (items.size() == query.limit()) {
                        more = true;
                        break;
                    }
                    items.add(summary(rs));
                    lastKey = query.sort().time
                            ? rs.getObject("sort_key", OffsetDateTime.class).toInstant().toString()
                            : rs.getString("sort_key");
                }
                String next = more ? new Cursor(query.sort(), query.descending(), lastKey,
                        items.get(items.size() - 1).id()).encode() : null;
                return new Page(withPositions(c, items), next);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One of the owner's jobs with its epoch history; 404 for a job of another owner. */
    public JobDetail get(String owner, UUID id) {
        try (Connection c = db.getConnection()) {
            Owned job = find(c, id).filter(j -> j.owner().equals(owner))
                    .orElseThrow(() -> ProblemException.notFound("Job " + id));
            return new JobDetail(job.summary(), job.hyperparameters(), history(c, id));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The owner's jobs among {@code ids} (others' and unknown ones left out), for the live updates. */
    public Map<UUID, JobSummary> summaries(String owner, Collection<UUID> ids) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                SUMMARY_SELECT + SUMMARY_FROM + " where v.owner = ? and v.id = any(?) and v.job_sequence > 0")) {
            s.setString(1, owner);
            s.setArray(2, c.createArrayOf("uuid", ids.toArray()));
            List<JobSummary> found = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(summary(rs));
                }
            }
            Map<UUID, JobSummary> jobs = new LinkedHashMap<>();
            withPositions(c, found).forEach(job -> jobs.put(job.id(), job));
            return jobs;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The history of one of the owner's jobs, oldest first; 404 for a job of another owner. */
    public List<JobEventEntry> events(String owner, UUID id) {
        try (Connection c = db.getConnection()) {
            find(c, id).filter(j -> j.owner().equals(owner)).orElseThrow(() -> ProblemException.notFound("Job " + id));
            try (PreparedStatement s = c.prepareStatement(
                    "select * from job_event where job_id = ? order by time, sequence, event_id")) {
                s.setObject(1, id);
                List<JobEventEntry> events = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        events.add(new JobEventEntry(rs.getObject("event_id", UUID.class), rs.getString("type"),
                                instant(rs, "time"), rs.getString("status"), rs.getString("reason"),
                                rs.getObject("attempt", Integer.class), rs.getString("worker"),
                                rs.getString("error_kind"), rs.getString("message")));
                    }
                }
                return events;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The shown reports of the given epochs of a job (all when {@code epochs} is null). */
    public List<JobDetail.EpochEntry> epochs(UUID jobId, Collection<Integer> epochs) {
        try (Connection c = db.getConnection()) {
            return history(c, jobId).stream().filter(e -> epochs == null || epochs.contains(e.epoch())).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many of the owner's jobs are in each status (every status present, zeros included), and the total. */
    public Map<String, Long> counts(String owner) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JobStatus status : JobStatus.values()) {
            counts.put(status.wireName(), 0L);
        }
        long total = 0;
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select status, count(*) from job_view where owner = ? and job_sequence > 0 group by status")) {
            s.setString(1, owner);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                    total += rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        counts.put("total", total);
        return counts;
    }

    private Optional<Owned> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SUMMARY_SELECT + SUMMARY_FROM
                + " where v.id = ? and v.job_sequence > 0")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Owned(rs.getString("owner"), withPositions(c, List.of(summary(rs))).get(0),
                        hyperparameters(rs)));
            }
        }
    }

    /**
     * The jobs with the queue position of the queued ones: their lanes' queues read in order once each
     * and ranked here. (A window over the queue joined to the page in SQL was planned as a nested loop
     * re-running the window per row when the statistics of a fast-growing view were stale: seconds.)
     * A queued job without a lane is alone in its queue; so is one that left it between the two reads.
     */
    private static List<JobSummary> withPositions(Connection c, List<JobSummary> jobs) throws SQLException {
        if (jobs.stream().noneMatch(j -> QUEUED.equals(j.status()))) {
            return jobs;
        }
        Map<String, Set<UUID>> queuedByLane = new HashMap<>();
        jobs.stream().filter(j -> QUEUED.equals(j.status()) && j.lane() != null)
                .forEach(j -> queuedByLane.computeIfAbsent(j.lane(), l -> new HashSet<>()).add(j.id()));
        Map<UUID, Long> positions = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(QUEUE)) {
            for (Map.Entry<String, Set<UUID>> lane : queuedByLane.entrySet()) {
                s.setString(1, lane.getKey());
                Set<UUID> wanted = lane.getValue();
                try (ResultSet rs = s.executeQuery()) {
                    for (long position = 1; !wanted.isEmpty() && rs.next(); position++) {
                        UUID id = rs.getObject(1, UUID.class);
                        if (wanted.remove(id)) {
                            positions.put(id, position);
                        }
                    }
                }
            }
        }
        return jobs.stream().map(j -> QUEUED.equals(j.status()) ? j.withPosition(positions.getOrDefault(j.id(), 1L)) : j)
                .toList();
    }

    private static List<JobDetail.EpochEntry> history(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                select h.* from epoch_history h join job_view v on v.id = h.job_id
                where h.job_id = ? and %s order by h.epoch
                """.formatted(VISIBLE_EPOCH))) {
            s.setObject(1, id);
            List<JobDetail.EpochEntry> history = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    history.add(new JobDetail.EpochEntry(rs.getInt("epoch"), rs.getInt("attempt"),
                            real(rs, "train_loss"), real(rs, "train_accuracy"), real(rs, "validation_loss"),
                            real(rs, "validation_accuracy"), real(rs, "samples_per_second"),
                            rs.getObject("elapsed_millis", Long.class), instant(rs, "completed_at")));
                }
            }
            return history;
        }
    }

    private static JobSummary summary(ResultSet rs) throws SQLException {
        return new JobSummary(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("status"),
                rs.getString("reason"), rs.getString("recipe"), rs.getObject("dataset_id", UUID.class),
                rs.getString("lane"), rs.getString("priority_class"), instant(rs, "queued_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), null,
                rs.getObject("epoch", Integer.class), rs.getObject("epochs", Integer.class),
                real(rs, "train_loss"), real(rs, "train_accuracy"), real(rs, "validation_loss"),
                real(rs, "validation_accuracy"), rs.getString("model_uri"), rs.getString("error_kind"),
                rs.getString("model"), rs.getObject("model_version", Integer.class), rs.getString("kind"),
                rs.getString("result_uri"), rs.getString("base_model"));
    }

    private Map<String, Object> hyperparameters(ResultSet rs) throws SQLException {
        String text = rs.getString("hyperparameters");
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("hyperparameters are not JSON: " + text, e);
        }
    }

    private static Double real(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, Double.class);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static void bind(Connection c, PreparedStatement s, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof String[] values) {
                s.setArray(i + 1, c.createArrayOf("text", values));
            } else if (p instanceof Instant instant) {
                s.setObject(i + 1, instant.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                s.setObject(i + 1, p);
            }
        }
    }

    /** One page of a list and the cursor of the next (null on the last page). */
    public record Page(List<JobSummary> items, String nextCursor) {
    }

    /** A job with its owner and hyperparameters. */
    record Owned(String owner, JobSummary summary, Map<String, Object> hyperparameters) {
    }
}
