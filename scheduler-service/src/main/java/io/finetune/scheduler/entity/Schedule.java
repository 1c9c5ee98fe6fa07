package io.finetune.scheduler.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A cron schedule attached to a job template: each fire submits a job of the template on the
 * owner's newest validated dataset whose name starts with {@link #datasetPrefix}.
 */
@Entity
@Table(name = "schedule")
public class Schedule extends PanacheEntityBase {

    /** The unique constraint on (owner, name), by which a duplicate name is detected race-free. */
    public static final String OWNER_NAME_CONSTRAINT = "schedule_owner_name_unique";

    @Id
    public UUID id;
    public String owner;
    public String name;
    /** Five fields, Unix cron ({@code minute hour day-of-month month day-of-week}). */
    public String cron;
    /** The zone the cron expression is read in (an IANA id such as {@code Europe/Zurich}). */
    @Column(name = "time_zone")
    public String timeZone;
    @Column(name = "dataset_prefix")
    public String datasetPrefix;
    /** The model every run trains a new version of, so each run warm-starts from the previous one. */
    public String model;
    public String recipe;
    public int epochs;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> hyperparameters;
    public String profile;
    @Column(name = "priority_class")
    public String priorityClass;
    /** A run not succeeded this many seconds after its fire time is flagged; null: no SLA. */
    @Column(name = "sla_seconds")
    public Long slaSeconds;
    /** Tries after a failed one (with backoff) before a run is given up. */
    @Column(name = "max_retries")
    public int maxRetries;
    public boolean enabled;
    /** The next fire time not yet fired; null while disabled. */
    @Column(name = "next_fire_at")
    public Instant nextFireAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<Schedule> owned(String owner, UUID id) {
        return find("id = ?1 and owner = ?2", id, owner).firstResultOptional();
    }
}
