package io.finetune.scheduler.service;

import io.finetune.scheduler.entity.Schedule;
import io.finetune.scheduler.entity.ScheduleRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A schedule as its owner sees it, with its latest runs (newest first).
 *
 * @param nextFireAt when it fires next; null while disabled
 */
public record ScheduleView(
        UUID id,
        String name,
        String cron,
        String timeZone,
        String datasetPrefix,
        String model,
        String recipe,
        int epochs,
        Map<String, Object> hyperparameters,
        String profile,
        String priorityClass,
        String sla,
        int maxRetries,
        boolean enabled,
        Instant nextFireAt,
        Instant createdAt,
        Instant updatedAt,
        List<Run> runs) {

    /** The runs a view lists. */
    static final int RECENT_RUNS = 20;

    /**
     * One fire of the schedule.
     *
     * @param attempt the try (1, then one more per retry)
     * @param status {@code pending}, {@code submitted}, {@code succeeded}, {@code failed} or {@code cancelled}
     * @param jobId the job of the latest try; null before one was submitted
     * @param nextTryAt a pending run: when its job is submitted
     * @param slaMissedAt when the run was flagged for missing its SLA; null: not (yet) missed
     */
    public record Run(Instant fireTime, int attempt, String status, UUID jobId, String reason, Instant nextTryAt,
            Instant slaMissedAt, Instant finishedAt) {

        static Run of(ScheduleRun run) {
            return new Run(run.fireTime, run.attempt, run.status, run.jobId, run.reason, run.nextTryAt,
                    run.slaMissedAt, run.finishedAt);
        }
    }

    static ScheduleView of(Schedule s, List<ScheduleRun> runs) {
        return new ScheduleView(s.id, s.name, s.cron, s.timeZone, s.datasetPrefix, s.model, s.recipe, s.epochs,
                s.hyperparameters, s.profile, s.priorityClass,
                s.slaSeconds == null ? null : Duration.ofSeconds(s.slaSeconds).toString(), s.maxRetries, s.enabled,
                s.nextFireAt, s.createdAt, s.updatedAt, runs.stream().map(Run::of).toList());
    }
}
