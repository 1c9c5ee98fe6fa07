package io.finetune.progress.service;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What one notification on {@link JobProjection#CHANGES_CHANNEL} says (as JSON): jobs of one owner
 * whose view changed in a committed batch, each with the epochs whose reports changed.
 */
public record JobChanges(String owner, Map<UUID, Set<Integer>> jobs) {

    /**
     * The notifications that arrived together, one per owner (the union of their jobs and epochs):
     * the live updates then read each owner's changed jobs once, however many batches committed
     * meanwhile, so a slow reader catches up instead of falling further behind.
     */
    public static List<JobChanges> coalesce(Collection<JobChanges> changes) {
        Map<String, Map<UUID, Set<Integer>>> byOwner = new LinkedHashMap<>();
        for (JobChanges change : changes) {
            Map<UUID, Set<Integer>> jobs = byOwner.computeIfAbsent(change.owner(), o -> new LinkedHashMap<>());
            change.jobs().forEach((job, epochs) -> jobs.computeIfAbsent(job, j -> new TreeSet<>()).addAll(epochs));
        }
        return byOwner.entrySet().stream().map(e -> new JobChanges(e.getKey(), e.getValue())).toList();
    }
}
