package io.finetune.scheduler.entity;

import io.finetune.common.events.JobStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A fine-tuning job and where it is in its lifecycle; {@code sequence} counts its transitions. */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

    /** The unique constraint on (owner, name), by which a duplicate name is detected race-free. */
    public static final String OWNER_NAME_CONSTRAINT = "job_owner_name_unique";

    @Id
    public UUID id;
    public String owner;
    public String name;
    @Column(name = "dataset_id")
    public UUID datasetId;
    public String recipe;
    public int epochs;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> hyperparameters;
    public JobStatus status;
    public String reason;
    public int attempt;
    public long sequence;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "queued_at")
    public Instant queuedAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    public static List<Job> validatingOn(UUID datasetId) {
        return list("datasetId = ?1 and status = ?2", datasetId, JobStatus.VALIDATING);
    }

    public static long countHoldingSlots() {
        List<JobStatus> holders = Arrays.stream(JobStatus.values()).filter(JobStatus::holdsSlot).toList();
        return count("status in ?1", holders);
    }
}
