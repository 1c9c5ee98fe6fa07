package io.finetune.progress.service;

import io.finetune.progress.config.ProgressConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Prunes {@code processed_event}. Safe for live traffic because the ids are not what keeps the view
 * right: a job's transitions apply only above its high-water mark ({@code job_sequence}), an epoch
 * report only above the sequence of the report it replaces, and everything else merges with
 * least/greatest, so a redelivered event whose id is gone changes no row and repeats no side effect
 * (metrics key on changes that took effect). The ids only skip that work early.
 */
@ApplicationScoped
public class EventRetention {

    private static final Logger LOG = Logger.getLogger(EventRetention.class);

    private final DataSource db;
    private final ProgressConfig config;

    public EventRetention(DataSource db, ProgressConfig config) {
        this.db = db;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        prune(Instant.now().minus(config.retention().processedEvents()));
    }

    /** Deletes the ids applied before {@code before}; answers how many. */
    public int prune(Instant before) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("delete from processed_event where processed_at < ?")) {
            s.setTimestamp(1, Timestamp.from(before));
            int pruned = s.executeUpdate();
            LOG.debugf("Pruned %d processed event ids older than %s", pruned, before);
            return pruned;
        } catch (SQLException e) {
            throw new IllegalStateException("could not prune processed_event", e);
        }
    }
}
