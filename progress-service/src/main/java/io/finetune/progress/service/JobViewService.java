package io.finetune.progress.service;

import io.finetune.common.problem.ProblemException;
import io.finetune.progress.entity.EpochMetrics;
import io.finetune.progress.entity.JobView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Answers the owner's questions about their jobs from the materialized view. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class JobViewService {

    /** The owner's jobs, newest first, each with the metrics of its latest completed epoch. */
    public List<JobSummary> list(String owner) {
        List<JobView> jobs = JobView.listOf(owner);
        Map<UUID, EpochMetrics> latest = EpochMetrics.latestOf(jobs.stream().map(j -> j.id).toList()).stream()
                .collect(Collectors.toMap(e -> e.jobId, Function.identity()));
        return jobs.stream().map(job -> summary(job, latest.get(job.id))).toList();
    }

    /** One of the owner's jobs with its epoch history; 404 for a job of another owner. */
    public JobDetail get(String owner, UUID id) {
        JobView job = JobView.findOf(owner, id).orElseThrow(() -> ProblemException.notFound("Job " + id));
        List<EpochMetrics> history = EpochMetrics.historyOf(id);
        EpochMetrics last = history.isEmpty() ? null : history.get(history.size() - 1);
        JobSummary s = summary(job, last);
        return new JobDetail(s.id(), s.name(), s.status(), s.reason(), s.recipe(), s.datasetId(), s.queuedAt(),
                s.startedAt(), s.finishedAt(), s.epoch(), s.epochs(), s.trainLoss(), s.trainAccuracy(),
                s.validationLoss(), s.validationAccuracy(), s.modelUri(),
                job.hyperparameters == null ? Map.of() : job.hyperparameters,
                history.stream().map(JobViewService::entry).toList());
    }

    private static JobSummary summary(JobView job, EpochMetrics last) {
        return new JobSummary(job.id, job.name, job.status, job.reason, job.recipe, job.datasetId, job.queuedAt,
                job.startedAt, job.finishedAt,
                last == null ? null : last.epoch, job.epochs,
                last == null ? null : last.trainLoss,
                last == null ? null : last.trainAccuracy,
                last == null ? null : last.validationLoss,
                last == null ? null : last.validationAccuracy,
                job.modelUri);
    }

    private static JobDetail.EpochEntry entry(EpochMetrics e) {
        return new JobDetail.EpochEntry(e.epoch, e.trainLoss, e.trainAccuracy, e.validationLoss,
                e.validationAccuracy, e.samplesPerSecond, e.elapsedMillis, e.completedAt);
    }
}
