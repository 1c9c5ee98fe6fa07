package io.finetune.progress.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.common.webhooks.WebhookRules;
import io.finetune.progress.config.WebhookConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.util.PGInterval;

/**
 * Webhooks: the owner's registrations, their delivery log, and the deliveries' state. A terminal
 * job transition becomes one delivery per webhook of the job's owner (unique per webhook and event,
 * so redeliveries and replays add none); {@link WebhookDispatcher} sends them.
 */
@ApplicationScoped
public class WebhookService {

    /** Deliveries of a webhook shown in its log, newest first. */
    public static final int LOG_LIMIT = 100;
    private static final String SECRET_PREFIX = "whsec_";

    /**
     * Only webhooks that existed when the job finished: registering one later (or a replay of the
     * topic) does not announce old jobs.
     */
    private static final String ENQUEUE = """
            insert into webhook_delivery (id, webhook_id, event_id, event_type, job_id, payload, next_attempt_at, created_at)
            select gen_random_uuid(), w.id, ?, ?, ?, ?, now(), now() from webhook w
            where w.owner = ? and w.created_at <= ?
            on conflict (webhook_id, event_id) do nothing
            """;
    /**
     * Claims due deliveries: the row locks are held only by this statement, and the claim moves
     * their next attempt past the lease, so another replica neither waits for them nor sends them
     * again while this one is sending.
     */
    private static final String CLAIM = """
            update webhook_delivery d set attempts = d.attempts + 1, next_attempt_at = now() + ?
            from webhook w
            where w.id = d.webhook_id and d.id in (
                select id from webhook_delivery
                where delivered_at is null and gave_up_at is null and next_attempt_at <= now()
                order by next_attempt_at limit ? for update skip locked)
            returning d.id, d.event_id, d.event_type, d.payload, d.attempts, w.url, w.secret
            """;

    private final DataSource db;
    private final ObjectMapper json;
    private final WebhookConfig config;
    private final WebhookTargets targets;
    private final SecureRandom random = new SecureRandom();

    public WebhookService(DataSource db, ObjectMapper json, WebhookConfig config, WebhookTargets targets) {
        this.db = db;
        this.json = json;
        this.config = config;
        this.targets = targets;
    }

    /**
     * Registers a webhook; answers it with the secret when the platform generated one (the only
     * time it is shown). 422 naming the field for a bad URL or secret, 409 over the per-user limit.
     */
    public Webhook register(String owner, String url, String secret) {
        List<Problem.FieldError> errors = new ArrayList<>();
        targets.problem(url).ifPresent(m -> errors.add(new Problem.FieldError("url", m)));
        WebhookRules.secretProblem(secret).ifPresent(m -> errors.add(new Problem.FieldError("secret", m)));
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The webhook has invalid fields", errors);
        }
        boolean generated = secret == null;
        String key = generated ? generateSecret() : secret;
        UUID id = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = db.getConnection()) {
            try (PreparedStatement count = c.prepareStatement("select count(*) from webhook where owner = ?")) {
                count.setString(1, owner);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= config.maxPerOwner()) {
                        throw new ProblemException(Response.Status.CONFLICT,
                                "You already have " + config.maxPerOwner() + " webhooks, the most allowed: delete one first");
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "insert into webhook (id, owner, url, secret, created_at) values (?, ?, ?, ?, ?)")) {
                s.setObject(1, id);
                s.setString(2, owner);
                s.setString(3, url);
                s.setString(4, key);
                s.setTimestamp(5, Timestamp.from(now));
                s.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not register a webhook", e);
        }
        return new Webhook(id, url, now, generated ? key : null);
    }

    public List<Webhook> list(String owner) {
        return query("select id, url, created_at from webhook where owner = ? order by created_at, id", owner, null);
    }

    public Webhook get(String owner, UUID id) {
        List<Webhook> found = query("select id, url, created_at from webhook where owner = ? and id = ?", owner, id);
        if (found.isEmpty()) {
            throw ProblemException.notFound("Webhook " + id);
        }
        return found.get(0);
    }

    /** Deletes the webhook and its delivery log; pending deliveries are not sent. */
    public void delete(String owner, UUID id) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("delete from webhook where owner = ? and id = ?")) {
            s.setString(1, owner);
            s.setObject(2, id);
            if (s.executeUpdate() == 0) {
                throw ProblemException.notFound("Webhook " + id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete webhook " + id, e);
        }
    }

    /** The newest {@value #LOG_LIMIT} deliveries of the owner's webhook. */
    public List<WebhookDelivery> deliveries(String owner, UUID webhook) {
        get(owner, webhook);
        List<WebhookDelivery> log = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        select id, event_id, event_type, job_id, attempts, next_attempt_at, last_status, last_error,
                               delivered_at, gave_up_at, created_at
                        from webhook_delivery where webhook_id = ? order by created_at desc, id limit ?""")) {
            s.setObject(1, webhook);
            s.setInt(2, LOG_LIMIT);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant delivered = instant(rs, "delivered_at");
                    String status = delivered != null ? WebhookDelivery.DELIVERED
                            : rs.getTimestamp("gave_up_at") != null ? WebhookDelivery.FAILED : WebhookDelivery.PENDING;
                    log.add(new WebhookDelivery(rs.getObject("id", UUID.class), rs.getObject("event_id", UUID.class),
                            rs.getString("event_type"), rs.getObject("job_id", UUID.class), status, rs.getInt("attempts"),
                            status.equals(WebhookDelivery.PENDING) ? instant(rs, "next_attempt_at") : null,
                            (Integer) rs.getObject("last_status"), rs.getString("last_error"), delivered,
                            instant(rs, "created_at")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the deliveries of webhook " + webhook, e);
        }
        return log;
    }

    /** Adds a delivery per webhook of the owner for each terminal transition; answers how many were new. */
    public int enqueue(List<JobEvent> events) {
        List<JobEvent> terminal = events.stream().filter(e -> e.status() != null && e.status().isTerminal()).toList();
        if (terminal.isEmpty()) {
            return 0;
        }
        try (Connection c = db.getConnection()) {
            // most owners have no webhook: one query finds those that do, instead of one insert per event
            Set<String> subscribed = ownersWithWebhooks(c, terminal);
            terminal = terminal.stream().filter(e -> subscribed.contains(e.owner())).toList();
            return terminal.isEmpty() ? 0 : enqueue(c, terminal);
        } catch (SQLException e) {
            throw new IllegalStateException("could not queue webhook deliveries for " + terminal.size() + " events", e);
        }
    }

    private static Set<String> ownersWithWebhooks(Connection c, List<JobEvent> events) throws SQLException {
        Set<String> owners = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("select distinct owner from webhook where owner = any(?)")) {
            s.setArray(1, c.createArrayOf("text", events.stream().map(JobEvent::owner).distinct().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    owners.add(rs.getString(1));
                }
            }
        }
        return owners;
    }

    private int enqueue(Connection c, List<JobEvent> terminal) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(ENQUEUE)) {
            for (JobEvent e : terminal) {
                s.setObject(1, e.eventId());
                s.setString(2, e.type());
                s.setObject(3, e.jobId());
                s.setString(4, payload(e));
                s.setString(5, e.owner());
                s.setTimestamp(6, Timestamp.from(e.time()));
                s.addBatch();
            }
            int added = 0;
            for (int n : s.executeBatch()) {
                added += Math.max(n, 0);
            }
            return added;
        }
    }

    /** Claims up to {@code limit} due deliveries for {@code lease}; each claim counts as an attempt. */
    List<Claimed> claimDue(int limit, Duration lease) {
        List<Claimed> claimed = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(CLAIM)) {
            s.setObject(1, interval(lease));
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(rs.getObject("id", UUID.class), rs.getObject("event_id", UUID.class),
                            rs.getString("event_type"), rs.getString("payload"), rs.getInt("attempts"),
                            rs.getString("url"), rs.getString("secret")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim webhook deliveries", e);
        }
        return claimed;
    }

    void delivered(UUID id, int status) {
        execute("update webhook_delivery set delivered_at = now(), last_status = ?, last_error = null where id = ?",
                status, id);
    }

    /** A failed attempt: retried after the backoff, or given up after the last attempt. */
    void failed(Claimed d, Integer status, String error) {
        if (d.attempts() >= config.maxAttempts()) {
            execute("update webhook_delivery set gave_up_at = now(), last_status = ?, last_error = ? where id = ?",
                    status, error, d.id());
        } else {
            execute("update webhook_delivery set next_attempt_at = now() + ?, last_status = ?, last_error = ? where id = ?",
                    interval(backoff(d.attempts())), status, error, d.id());
        }
    }

    /** The pause after {@code attempts} failed attempts: the initial backoff doubled each time, capped. */
    Duration backoff(int attempts) {
        Duration pause = config.initialBackoff().multipliedBy(1L << Math.min(attempts - 1, 20));
        return pause.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : pause;
    }

    private void execute(String sql, Object... parameters) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record a webhook delivery attempt", e);
        }
    }

    private static PGInterval interval(Duration d) {
        return new PGInterval(0, 0, 0, 0, 0, d.toMillis() / 1000.0);
    }

    private List<Webhook> query(String sql, String owner, UUID id) {
        List<Webhook> found = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, owner);
            if (id != null) {
                s.setObject(2, id);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new Webhook(rs.getObject("id", UUID.class), rs.getString("url"), instant(rs, "created_at"), null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read webhooks", e);
        }
        return found;
    }

    /** The body every attempt sends: the event, and the job as it is after it. */
    private String payload(JobEvent e) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", e.jobId());
        job.put("name", e.name());
        job.put("status", e.status().wireName());
        job.put("reason", e.reason());
        job.put("recipe", e.recipe());
        job.put("datasetId", e.datasetId());
        job.put("epochs", e.epochs());
        job.put("attempt", e.attempt());
        job.put("lane", e.lane());
        job.put("priorityClass", e.priorityClass());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", e.eventId());
        body.put("type", e.type());
        body.put("time", e.time().toString());
        body.put("job", job);
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("could not write the payload of event " + e.eventId(), ex);
        }
    }

    private String generateSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** A delivery claimed for one attempt, with what sending it needs. */
    record Claimed(UUID id, UUID eventId, String eventType, String payload, int attempts, String url, String secret) {
        @Override
        public String toString() {
            return "delivery " + id + " of event " + eventId; // never the secret
        }
    }
}
