package io.finetune.dataset.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * A job that names a dataset, as jobs.events last told: the scheduler owns jobs, this is the
 * dataset-service's own small copy of which job uses which dataset, and in which status.
 */
@Entity
@Table(name = "dataset_use")
public class DatasetUse extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public UUID jobId;

    @Column(name = "dataset_id", nullable = false)
    public UUID datasetId;

    @Column(nullable = false)
    public String owner;

    @Column(name = "job_name", nullable = false)
    public String jobName;

    /** The job's status as its wire name, e.g. {@code queued}. */
    @Column(nullable = false)
    public String status;

    /** The job's per-job sequence of the event that set this row. */
    @Column(nullable = false)
    public long sequence;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The owner's jobs on the dataset whose status is one of {@code statuses}, by name. */
    public static List<DatasetUse> ofDataset(UUID datasetId, String owner, Collection<String> statuses) {
        return list("datasetId = ?1 and owner = ?2 and status in ?3 order by jobName, jobId", datasetId, owner, statuses);
    }
}
