package io.finetune.scheduler.simulation;

import io.finetune.scheduler.service.Profile;
import io.finetune.scheduler.service.ReleaseOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A discrete-event simulation of the lanes' trainer slots: jobs arrive, wait, are released by an
 * ordering, run for their real time and free their slot. Time is in seconds.
 */
final class Simulation {

    /** An ordering under test: which of a lane's queued jobs take its free slots. */
    interface Order {
        List<ReleaseOrder.Queued<Workload.Job>> pick(List<ReleaseOrder.Queued<Workload.Job>> queued,
                Map<String, Integer> holding, int free);
    }

    /** The real policy, exactly as the dispatcher calls it. */
    static Order policy(ReleaseOrder order) {
        return order::pick;
    }

    /** The baseline: first come, first served, per lane, no quotas (Kueue's and Volcano's default). */
    static Order fifo() {
        return (queued, holding, free) -> queued.stream()
                .sorted(java.util.Comparator.comparingLong(ReleaseOrder.Queued<Workload.Job>::queuedAtMillis)
                        .thenComparingInt(q -> q.job().id()))
                .limit(free).toList();
    }

    /** What happened to one job. */
    record Outcome(Workload.Job job, long startSeconds) {
        long waitSeconds() {
            return startSeconds - job.arrivalSeconds();
        }
    }

    /**
     * @param busyWhileQueuedSlotSeconds slot-seconds in use while the lane had work queued
     * @param slotSecondsWhileQueued slot-seconds available while the lane had work queued
     */
    record Result(List<Outcome> outcomes, double busyWhileQueuedSlotSeconds, double slotSecondsWhileQueued) {
        double utilisationWhileQueued() {
            return slotSecondsWhileQueued == 0 ? 1 : busyWhileQueuedSlotSeconds / slotSecondsWhileQueued;
        }
    }

    private Simulation() {
    }

    static Result run(Workload workload, Map<Profile, Integer> slots, Order order) {
        record Finish(long time, Workload.Job job) {
        }
        PriorityQueue<Finish> running = new PriorityQueue<>((a, b) -> a.time() != b.time()
                ? Long.compare(a.time(), b.time()) : Integer.compare(a.job().id(), b.job().id()));
        Map<Profile, List<ReleaseOrder.Queued<Workload.Job>>> queues = new EnumMap<>(Profile.class);
        Map<Profile, Integer> busy = new EnumMap<>(Profile.class);
        for (Profile p : Profile.values()) {
            queues.put(p, new ArrayList<>());
            busy.put(p, 0);
        }
        Map<String, Integer> holding = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        List<Workload.Job> arrivals = workload.jobs();
        int next = 0;
        long now = 0;
        double busyWhileQueued = 0;
        double availableWhileQueued = 0;
        while (next < arrivals.size() || !running.isEmpty()) {
            long arrival = next < arrivals.size() ? arrivals.get(next).arrivalSeconds() : Long.MAX_VALUE;
            long finish = running.isEmpty() ? Long.MAX_VALUE : running.peek().time();
            long t = Math.min(arrival, finish);
            for (Profile p : Profile.values()) {
                if (!queues.get(p).isEmpty()) {
                    busyWhileQueued += (double) busy.get(p) * (t - now);
                    availableWhileQueued += (double) slots.get(p) * (t - now);
                }
            }
            now = t;
            // every finish and arrival at this instant, then one release round
            while (!running.isEmpty() && running.peek().time() == now) {
                Workload.Job done = running.poll().job();
                busy.merge(done.profile(), -1, Integer::sum);
                holding.merge(done.owner(), -1, Integer::sum);
            }
            while (next < arrivals.size() && arrivals.get(next).arrivalSeconds() == now) {
                Workload.Job j = arrivals.get(next++);
                queues.get(j.profile()).add(new ReleaseOrder.Queued<>(j, Integer.toString(j.id()), j.owner(),
                        j.priorityClass(), j.cost(), j.arrivalSeconds() * 1000));
            }
            for (Profile p : Profile.values()) {
                int free = slots.get(p) - busy.get(p);
                List<ReleaseOrder.Queued<Workload.Job>> queue = queues.get(p);
                if (free <= 0 || queue.isEmpty()) {
                    continue;
                }
                for (ReleaseOrder.Queued<Workload.Job> picked : order.pick(queue, holding, free)) {
                    queue.remove(picked);
                    Workload.Job j = picked.job();
                    busy.merge(p, 1, Integer::sum);
                    holding.merge(j.owner(), 1, Integer::sum);
                    running.add(new Finish(now + j.runSeconds(), j));
                    outcomes.add(new Outcome(j, now));
                }
            }
        }
        return new Result(outcomes, busyWhileQueued, availableWhileQueued);
    }
}
