package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Locks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Releases queued jobs into free trainer slots. Only released jobs reach the dispatch topic, so
 * the order is decided here at release time and the topic never holds more than the free slots.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final SchedulerConfig config;
    private final ReleaseOrder order;
    private final JobTransitions transitions;

    Dispatcher(SchedulerConfig config, ReleaseOrder order, JobTransitions transitions) {
        this.config = config;
        this.order = order;
        this.transitions = transitions;
    }

    /** Fills every free slot in one transaction; returns how many jobs it released. */
    @Transactional
    public int releaseFreeSlots() {
        Locks.dispatcher();
        int free = (int) (config.slots() - Job.countHoldingSlots());
        if (free <= 0) {
            return 0;
        }
        List<ReleaseOrder.Candidate> released = order.pick(queued(), free);
        for (ReleaseOrder.Candidate candidate : released) {
            transitions.dispatch(candidate.job(), candidate.dataset());
            LOG.infof("Dispatched job %s (attempt %d, estimated cost %d)", candidate.job().id,
                    candidate.job().attempt, candidate.estimatedCost());
        }
        return released.size();
    }

    private static List<ReleaseOrder.Candidate> queued() {
        return Job.getEntityManager()
                .createQuery("select j, d from Job j join Dataset d on d.id = j.datasetId where j.status = :status",
                        Object[].class)
                .setParameter("status", JobStatus.QUEUED)
                .getResultStream()
                .map(row -> new ReleaseOrder.Candidate((Job) row[0], (Dataset) row[1]))
                .toList();
    }
}
