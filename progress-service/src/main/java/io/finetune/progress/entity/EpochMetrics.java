package io.finetune.progress.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** The metrics of one completed epoch of a job. Written by the projection's upserts, read here. */
@Entity
@Table(name = "epoch_history")
@IdClass(EpochMetrics.Key.class)
public class EpochMetrics extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public UUID jobId;
    @Id
    public int epoch;
    @Column(name = "train_loss")
    public Double trainLoss;
    @Column(name = "train_accuracy")
    public Double trainAccuracy;
    @Column(name = "validation_loss")
    public Double validationLoss;
    @Column(name = "validation_accuracy")
    public Double validationAccuracy;
    @Column(name = "samples_per_second")
    public Double samplesPerSecond;
    @Column(name = "elapsed_millis")
    public Long elapsedMillis;
    @Column(name = "completed_at")
    public Instant completedAt;
    public long sequence;

    public static List<EpochMetrics> historyOf(UUID jobId) {
        return list("jobId = ?1 order by epoch", jobId);
    }

    /** The highest completed epoch of each of the given jobs (jobs without one are absent). */
    public static List<EpochMetrics> latestOf(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return list("from EpochMetrics e where e.jobId in ?1"
                + " and e.epoch = (select max(x.epoch) from EpochMetrics x where x.jobId = e.jobId)", jobIds);
    }

    public static class Key implements Serializable {
        public UUID jobId;
        public int epoch;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && epoch == k.epoch && Objects.equals(jobId, k.jobId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(jobId, epoch);
        }
    }
}
