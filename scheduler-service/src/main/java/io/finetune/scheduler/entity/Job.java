package io.finetune.scheduler.entity;

import io.finetune.common.events.JobKind;
import io.finetune.common.events.JobStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A fine-tuning job and where it is in its lifecycle; {@code sequence} counts its transitions. */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

    /** The unique constraint on (owner, name), by which a duplicate name is detected race-free. */
    public static final String OWNER_NAME_CONSTRAINT = "job_owner_name_unique";

    private static final List<JobStatus> SLOT_HOLDERS =
            Arrays.stream(JobStatus.values()).filter(JobStatus::holdsSlot).toList();

    @Id
    public UUID id;
    public String owner;
    public String name;
    /** The model this job trains a new version of; the job's name unless the submitter named one. */
    public String model;
    @Column(name = "dataset_id")
    public UUID datasetId;
    public String recipe;
    public int epochs;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> hyperparameters;
    public JobStatus status;
    public String reason;
    /** The resource class whose trainer slots the job uses: its profile ({@code interactive}, {@code production}). */
    public String lane;
    /** {@code interactive} > {@code production} > {@code batch}: the first criterion of the release order. */
    @Column(name = "priority_class")
    public String priorityClass;
    /** The submitter's Idempotency-Key: the same owner and key always mean this job. */
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    /** The registered base model the job starts from, pinned at submission ({@code name:version}); null: none. */
    @Column(name = "base_model")
    public String baseModel;
    /** Submitted to train again even when an identical job already succeeded (no result reuse). */
    public boolean fresh;
    /** {@code training} or {@code prediction} ({@link io.finetune.common.events.JobKind}). */
    public String kind = JobKind.TRAINING;
    /** A prediction job: the version of {@link #model} it predicts with. */
    @Column(name = "model_version")
    public Integer modelVersion;
    /** A prediction job: that version's artifact. */
    @Column(name = "model_uri")
    public String modelUri;
    /** A succeeded prediction job: its predictions file ({@code s3://bucket/key}). */
    @Column(name = "result_uri")
    public String resultUri;
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
    /** When the current attempt's trainer last reported anything (heartbeats included). */
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;
    /** When the owner asked to cancel the running attempt; the trainer has not confirmed yet. */
    @Column(name = "cancel_requested_at")
    public Instant cancelRequestedAt;
    /** When the scheduler asked the running attempt to checkpoint and stop for higher-priority work. */
    @Column(name = "preempt_requested_at")
    public Instant preemptRequestedAt;
    /** The trainer instance (its pod's name on Kubernetes) that last reported on the current attempt. */
    public String worker;

    public boolean isPrediction() {
        return JobKind.PREDICTION.equals(kind);
    }

    public static List<Job> validatingOn(UUID datasetId) {
        return list("datasetId = ?1 and status = ?2", datasetId, JobStatus.VALIDATING);
    }

    public static Optional<Job> byIdempotencyKey(String owner, String key) {
        return find("owner = ?1 and idempotencyKey = ?2", owner, key).firstResultOptional();
    }

    /** Jobs holding a trainer slot (dispatched or running), per lane. */
    public static Map<String, Integer> holdingByLane() {
        return holdingBy("lane");
    }

    /** Jobs holding a trainer slot (dispatched or running), per owner: for fair share and the running quota. */
    public static Map<String, Integer> holdingByOwner() {
        return holdingBy("owner");
    }

    /** The owner's jobs waiting for a slot or their dataset: for the queued quota. */
    public static long countWaiting(String owner) {
        return count("owner = ?1 and status in ?2", owner, List.of(JobStatus.VALIDATING, JobStatus.QUEUED));
    }

    public static List<Job> holdingSlots() {
        return list("status in ?1", SLOT_HOLDERS);
    }

    private static Map<String, Integer> holdingBy(String column) {
        Map<String, Integer> counts = new HashMap<>();
        getEntityManager()
                .createQuery("select j." + column + ", count(j) from Job j where j.status in :holders group by j."
                        + column, Object[].class)
                .setParameter("holders", SLOT_HOLDERS)
                .getResultList()
                .forEach(row -> counts.put((String) row[0], ((Long) row[1]).intValue()));
        return counts;
    }
}
