package io.finetune.progress.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who watches what: an owner's whole list, or one job. Fed by {@code ChangeListener} with the jobs
 * whose view changed (after the commit), an owner's at a time; loads them once and sends them to
 * their watchers.
 */
@ApplicationScoped
public class LiveUpdates {

    /** Where a change goes; false when the client has gone (it is then dropped). */
    public interface Subscriber {
        boolean send(String event, Object data);

        boolean comment(String text);
    }

    /** Jobs read per query when many changed at once (a backlog of notifications merged). */
    private static final int JOBS_PER_READ = 1_000;

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

    /**
     * Jobs of one owner changed (committed batches): each is loaded once, a thousand per query, and
     * only when someone watches the owner or one of the jobs.
     */
    public void changed(JobChanges changes) {
        Set<Subscriber> ownerWatchers = byOwner.getOrDefault(changes.owner(), Set.of());
        List<UUID> watchedJobs = changes.jobs().keySet().stream()
                .filter(id -> !byJob.getOrDefault(id, Set.of()).isEmpty()).toList();
        if (ownerWatchers.isEmpty() && watchedJobs.isEmpty()) {
            return;
        }
        List<UUID> load = List.copyOf(ownerWatchers.isEmpty() ? watchedJobs : changes.jobs().keySet());
        for (int from = 0; from < load.size(); from += JOBS_PER_READ) {
            // scoped by the owner: a job goes only to the streams of the owner its row has
            Map<UUID, JobSummary> summaries = jobs.summaries(changes.owner(),
                    load.subList(from, Math.min(load.size(), from + JOBS_PER_READ)));
            if (!ownerWatchers.isEmpty()) {
                summaries.values().forEach(job -> ownerWatchers.removeIf(s -> !s.send("job", job)));
            }
            summaries.values().forEach(job -> sendToJobWatchers(job, changes.jobs().get(job.id())));
        }
    }

    private void sendToJobWatchers(JobSummary job, Set<Integer> epochs) {
        Set<Subscriber> jobWatchers = byJob.get(job.id());
        if (jobWatchers == null || jobWatchers.isEmpty()) {
            return;
        }
        // an epoch first, so a client that redraws on "job" already has it
        if (!epochs.isEmpty()) {
            jobs.epochs(job.id(), epochs).forEach(e -> jobWatchers.removeIf(s -> !s.send("epoch", e)));
        }
        jobWatchers.removeIf(s -> !s.send("job", job));
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
