package io.finetune.scheduler.service;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * A recurring training job as created or replaced: a cron schedule and the template of the job each
 * fire submits. The template's fields are those of {@link NewJob}, checked by the same rules.
 *
 * @param name unique per owner; each run's job is named {@code <name>-<yyyyMMdd-HHmm>} (UTC fire time)
 * @param cron five fields, Unix cron: {@code minute hour day-of-month month day-of-week}
 * @param timeZone the zone the cron expression is read in (IANA id); null: UTC
 * @param datasetPrefix each run trains on the owner's newest validated dataset whose name starts with this
 * @param model the model every run trains a new version of (warm-starting from the previous); null: the schedule's name
 * @param sla ISO-8601 duration ({@code PT2H}): a run not succeeded this long after its fire time is flagged; null: none
 * @param maxRetries retries of a failed run, with backoff; null: {@code scheduler.schedules.max-retries}
 * @param enabled false: the schedule does not fire; null: true
 */
public record NewSchedule(
        @NotNull
        @Size(min = 1, max = 40)
        @Pattern(regexp = NewJob.NAME_PATTERN, message = NewJob.NAME_MESSAGE)
        String name,
        @NotNull String cron,
        String timeZone,
        @NotNull @Size(min = 1, max = 100) String datasetPrefix,
        @Size(min = 1, max = 63)
        @Pattern(regexp = NewJob.NAME_PATTERN, message = NewJob.NAME_MESSAGE)
        String model,
        String recipe,
        @NotNull @Min(1) @Max(1000) Integer epochs,
        Map<String, Object> hyperparameters,
        String profile,
        String priorityClass,
        String sla,
        @Min(0) @Max(10) Integer maxRetries,
        Boolean enabled) {
}
