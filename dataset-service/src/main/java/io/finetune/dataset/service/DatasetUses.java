package io.finetune.dataset.service;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.dataset.entity.DatasetUse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Which jobs still need a dataset. The scheduler owns jobs and services do not call each other, so
 * this service keeps its own table from {@code jobs.events}: one row per job, its latest status.
 * Applying an event is idempotent: a duplicate or an older event (lower per-job sequence) changes nothing.
 */
@ApplicationScoped
public class DatasetUses {

    /** Statuses of a job that may still read its dataset: every one but the terminal ones (a failed attempt is requeued). */
    static final List<String> NEEDING_STATUSES = Arrays.stream(JobStatus.values())
            .filter(s -> !s.isTerminal()).map(JobStatus::wireName).toList();

    private final EntityManager em;

    public DatasetUses(EntityManager em) {
        this.em = em;
    }

    /** A job of the dataset's owner that still needs it. */
    public record JobUse(UUID id, String name, String status) {
    }

    @Transactional
    public void apply(JobEvent event) {
        // one statement: concurrent deliveries of the same job cannot interleave a read and a write
        em.createNativeQuery("""
                insert into dataset_use (job_id, dataset_id, owner, job_name, status, sequence, updated_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                on conflict (job_id) do update set dataset_id = excluded.dataset_id, owner = excluded.owner,
                    job_name = excluded.job_name, status = excluded.status, sequence = excluded.sequence,
                    updated_at = excluded.updated_at
                where dataset_use.sequence < excluded.sequence""")
                .setParameter(1, event.jobId())
                .setParameter(2, event.datasetId())
                .setParameter(3, event.owner())
                .setParameter(4, event.name() == null ? "" : event.name())
                .setParameter(5, event.status().wireName())
                .setParameter(6, event.sequence())
                .setParameter(7, event.time() == null ? Instant.now() : event.time())
                .executeUpdate();
    }

    /** The owner's jobs that still need the dataset (another user's job naming it never counts), by name. */
    @Transactional
    public List<JobUse> needing(UUID datasetId, String owner) {
        return DatasetUse.ofDataset(datasetId, owner, NEEDING_STATUSES).stream()
                .map(u -> new JobUse(u.jobId, u.jobName, u.status)).toList();
    }
}
