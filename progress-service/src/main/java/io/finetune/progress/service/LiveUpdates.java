package io.finetune.progress.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who watches what: an owner's whole list, or one job. Fed by {@code ChangeListener} with each job
 * whose view changed (after the commit); loads the job once and sends it to its watchers.
 */
@ApplicationScoped
public class LiveUpdates {

    /** Where a change goes; false when the client has gone (it is then dropped). */
    public interface Subscriber {
        boolean send(String event, Object data);

        boolean comment(String text);
    }

    private final JobViewService jobs;
    private final ConcurrentHashMap<String, Set<Subscriber>> byOwner = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Set<Subscriber>> byJob = new ConcurrentHashMap<>();

    public LiveUpdates(JobViewService jobs) {
        this.jobs = jobs;
    }

    public void watchOwner(String owner, Subscriber subscriber) {
        byOwner.computeIfAbsent(owner, o -> ConcurrentHashMap.newKeySet()).add(subscriber);
    }

    public void watchJob(UUID job, Subscriber subscriber) {
        byJob.computeIfAbsent(job, j -> ConcurrentHashMap.newKeySet()).add(subscriber);
    }

    /** A job's view changed; {@code epochs} are the epochs whose reports changed. */
    public void changed(UUID jobId, Collection<Integer> epochs) {
        Set<Subscriber> jobWatchers = byJob.get(jobId);
        if (byOwner.isEmpty() && (jobWatchers == null || jobWatchers.isEmpty())) {
            return;
        }
        jobs.find(jobId).ifPresent(job -> {
            Set<Subscriber> ownerWatchers = byOwner.get(job.owner());
            if (ownerWatchers != null) {
                ownerWatchers.removeIf(s -> !s.send("job", job.summary()));
            }
            if (jobWatchers != null && !jobWatchers.isEmpty()) {
                // an epoch first, so a client that redraws on "job" already has it
                if (!epochs.isEmpty()) {
                    jobs.epochs(jobId, epochs).forEach(e -> jobWatchers.removeIf(s -> !s.send("epoch", e)));
                }
                jobWatchers.removeIf(s -> !s.send("job", job.summary()));
            }
        });
    }

    /** Keeps idle streams open through proxies and drops the clients that have gone. */
    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void keepAlive() {
        byOwner.values().forEach(set -> set.removeIf(s -> !s.comment("keep-alive")));
        byJob.values().forEach(set -> set.removeIf(s -> !s.comment("keep-alive")));
        byOwner.values().removeIf(Set::isEmpty);
        byJob.values().removeIf(Set::isEmpty);
    }
}
