package io.finetune.progress.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A job as the user sees it. Read-only for Hibernate: rows are written by the projection's
 * upserts (see {@code JobProjection}), which must be atomic under concurrent consumers.
 */
@Entity
@Table(name = "job_view")
public class JobView extends PanacheEntityBase {

    @Id
    public UUID id;
    public String owner;
    public String name;
    public String status;
    public String reason;
    public String recipe;
    @Column(name = "dataset_id")
    public UUID datasetId;
    public Integer epochs;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> hyperparameters;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "queued_at")
    public Instant queuedAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "model_uri")
    public String modelUri;
    @Column(name = "job_sequence")
    public long jobSequence;
    @Column(name = "training_sequence")
    public long trainingSequence;

    /**
     * The owner's jobs, newest first. A row only trainer events have created is left out until the
     * scheduler's first event arrives: until then it has no name or status to show.
     */
    public static List<JobView> listOf(String owner) {
        return list("owner = ?1 and jobSequence > 0 order by createdAt desc, id", owner);
    }

    public static Optional<JobView> findOf(String owner, UUID id) {
        return find("id = ?1 and owner = ?2 and jobSequence > 0", id, owner).firstResultOptional();
    }
}
