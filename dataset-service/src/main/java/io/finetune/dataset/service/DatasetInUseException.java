package io.finetune.dataset.service;

import io.finetune.dataset.service.DatasetUses.JobUse;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** A delete refused: jobs of the owner still need the dataset (queued, running, or waiting to be). */
public class DatasetInUseException extends RuntimeException {

    private final transient List<JobUse> jobs;

    public DatasetInUseException(UUID datasetId, List<JobUse> jobs) {
        super("Dataset " + datasetId + " is used by " + (jobs.size() == 1 ? "job " : "jobs ")
                + jobs.stream().map(j -> "'" + j.name() + "' (" + j.status() + ")").collect(Collectors.joining(", "))
                + "; cancel " + (jobs.size() == 1 ? "it" : "them") + " or wait until " + (jobs.size() == 1 ? "it ends" : "they end")
                + ", then delete the dataset");
        this.jobs = List.copyOf(jobs);
    }

    public List<JobUse> jobs() {
        return jobs;
    }
}
