package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Locks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Releases queued jobs into free trainer slots, lane by lane. Only released jobs reach a lane's
 * dispatch topic, so the order is decided here at release time and the topic never holds more
 * than the lane's free slots.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final SchedulerConfig config;
    private final ReleaseOrder order;
    private final JobTransitions transitions;
    private final LaneCapacity capacity;

    Dispatcher(SchedulerConfig config, ReleaseOrder order, JobTransitions transitions, LaneCapacity capacity) {
        this.config = config;
        this.order = order;
        this.transitions = transitions;
        this.capacity = capacity;
    }

    /** Fills every free slot of every lane in one transaction; returns how many jobs it released. */
    @Transactional
    public int releaseFreeSlots() {
        Locks.dispatcher();
        Map<String, Integer> byLane = Job.holdingByLane();
        Map<String, Integer> byOwner = Job.holdingByOwner();
        int overall = config.slots().orElse(Integer.MAX_VALUE)
                - byLane.values().stream().mapToInt(Integer::intValue).sum();
        int released = 0;
        for (var lane : new TreeMap<>(config.lanes()).entrySet()) {
            int free = Math.min(capacity.slots(lane.getKey()) - byLane.getOrDefault(lane.getKey(), 0), overall - released);
            if (free <= 0) {
                continue;
            }
            for (ReleaseOrder.Queued<Candidate> picked : order.pick(queued(lane.getKey()), byOwner, free)) {
                Job job = picked.job().job();
                transitions.dispatch(job, picked.job().dataset());
                byOwner.merge(job.owner, 1, Integer::sum);
                released++;
                LOG.infof("Dispatched job %s to lane %s (attempt %d, class %s, estimated cost %.0f)", job.id,
                        job.lane, job.attempt, job.priorityClass, picked.cost());
            }
        }
        return released;
    }

    /** A queued job with the dataset it trains on. */
    record Candidate(Job job, Dataset dataset) {
    }

    private static List<ReleaseOrder.Queued<Candidate>> queued(String lane) {
        return Job.getEntityManager()
                .createQuery("select j, d from Job j join Dataset d on d.id = j.datasetId"
                        + " where j.status = :status and j.lane = :lane", Object[].class)
                .setParameter("status", JobStatus.QUEUED)
                .setParameter("lane", lane)
                .getResultStream()
                .map(row -> {
                    Job job = (Job) row[0];
                    Dataset dataset = (Dataset) row[1];
                    return new ReleaseOrder.Queued<>(new Candidate(job, dataset), job.id.toString(), job.owner,
                            PriorityClass.fromWire(job.priorityClass).orElse(PriorityClass.BATCH),
                            ReleaseOrder.estimatedCost(dataset.rows, job.epochs, job.recipe),
                            job.queuedAt.toEpochMilli());
                })
                .toList();
    }
}
