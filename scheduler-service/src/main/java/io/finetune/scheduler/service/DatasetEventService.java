package io.finetune.scheduler.service;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.ValidationProblem;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Locks;
import io.finetune.scheduler.entity.ProcessedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.stream.Collectors;

/** Learns datasets' validation results and moves the jobs waiting on them: to the queue, or to failed. */
@ApplicationScoped
public class DatasetEventService {

    private final JobTransitions transitions;
    private final ResultReuse reuse;

    DatasetEventService(JobTransitions transitions, ResultReuse reuse) {
        this.transitions = transitions;
        this.reuse = reuse;
    }

    @Transactional
    public void onDatasetEvent(DatasetEvent event) {
        boolean validated = DatasetEvent.VALIDATED.equals(event.type());
        if (!validated && !DatasetEvent.REJECTED.equals(event.type())) {
            return;
        }
        if (!ProcessedEvent.firstSeen(event.eventId())) {
            return;
        }
        Locks.dataset(event.datasetId());
        Dataset dataset = Dataset.findById(event.datasetId());
        if (dataset != null && dataset.sequence >= event.sequence()) {
            return;
        }
        if (dataset == null) {
            dataset = new Dataset();
            dataset.id = event.datasetId();
        }
        dataset.owner = event.owner();
        dataset.name = event.name();
        dataset.validatedAt = validated ? event.time() : null;
        dataset.status = validated ? Dataset.VALIDATED : Dataset.REJECTED;
        dataset.objectKey = event.objectKey();
        dataset.rows = event.rows();
        dataset.bytes = event.bytes();
        dataset.sha256 = event.sha256();
        dataset.purpose = event.purpose();
        dataset.columns = event.columns();
        dataset.sequence = event.sequence();
        dataset.persist();

        for (Job job : Job.validatingOn(dataset.id)) {
            if (!job.owner.equals(dataset.owner)) {
                transitions.enter(job, JobStatus.FAILED, "no dataset with id " + dataset.id);
            } else if (validated && !job.isPrediction() && dataset.isForPrediction()) {
                transitions.enter(job, JobStatus.FAILED, Dataset.NOT_FOR_TRAINING);
            } else if (validated && PredictionJobs.missingInputs(job, dataset) != null) {
                transitions.enter(job, JobStatus.FAILED, PredictionJobs.missingInputs(job, dataset));
            } else if (validated) {
                transitions.enter(job, JobStatus.QUEUED, null);
                reuse.answerIfTrained(job);
            } else {
                transitions.enter(job, JobStatus.FAILED, "dataset rejected: " + describe(event.problems()));
            }
        }
    }

    private static String describe(List<ValidationProblem> problems) {
        if (problems == null || problems.isEmpty()) {
            return "no reason given";
        }
        return problems.stream().map(DatasetEventService::describe).collect(Collectors.joining("; "));
    }

    private static String describe(ValidationProblem problem) {
        StringBuilder where = new StringBuilder();
        if (problem.line() != null) {
            where.append("line ").append(problem.line());
        }
        if (problem.column() != null) {
            where.append(where.isEmpty() ? "" : ", ").append("column ").append(problem.column());
        }
        return where.isEmpty() ? problem.message() : where + ": " + problem.message();
    }
}
