package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.scheduler.entity.Job;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A job as the submitter sees it after a command; progress-service serves the live view.
 *
 * @param model the model the job trains a new version of (a prediction job: predicts with)
 * @param kind {@code training} or {@code prediction}
 * @param modelVersion a prediction job: the version of {@code model} it predicts with; else null
 * @param baseModel the registered base model the job starts from, pinned ({@code name:version}); else null
 */
public record JobView(
        UUID id,
        String name,
        String model,
        JobStatus status,
        String reason,
        UUID datasetId,
        String recipe,
        int epochs,
        Map<String, Object> hyperparameters,
        String profile,
        String priorityClass,
        int attempt,
        Instant createdAt,
        String kind,
        Integer modelVersion,
        String baseModel) {

    static JobView of(Job job) {
        return new JobView(job.id, job.name, job.model, job.status, job.reason, job.datasetId, job.recipe, job.epochs,
                job.hyperparameters, job.lane, job.priorityClass, job.attempt, job.createdAt,
                job.kind, job.modelVersion, job.baseModel);
    }
}
