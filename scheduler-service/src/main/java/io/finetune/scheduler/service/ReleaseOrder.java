package io.finetune.scheduler.service;

import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;

/**
 * Which queued jobs get the free slots: the scheduling policy, in one place. For now shortest
 * estimated job first (dataset rows x epochs), the earlier queued first among equals.
 */
@ApplicationScoped
public class ReleaseOrder {

    /** A queued job with the dataset it trains on. */
    public record Candidate(Job job, Dataset dataset) {

        /** Work in rows seen: what training time grows with. */
        public long estimatedCost() {
            long rows = dataset.rows == null ? 0 : dataset.rows;
            return rows * job.epochs;
        }
    }

    private static final Comparator<Candidate> ORDER = Comparator.comparingLong(Candidate::estimatedCost)
            .thenComparing(c -> c.job().queuedAt)
            .thenComparing(c -> c.job().id);

    /** The jobs to release now, at most {@code free}, in release order. */
    public List<Candidate> pick(List<Candidate> queued, int free) {
        return queued.stream().sorted(ORDER).limit(Math.max(free, 0)).toList();
    }
}
