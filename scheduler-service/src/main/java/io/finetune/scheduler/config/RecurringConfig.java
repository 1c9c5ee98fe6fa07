package io.finetune.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Recurring training ({@code scheduler.schedules.*}): how schedules are evaluated and retried. */
@ConfigMapping(prefix = "scheduler.schedules")
public interface RecurringConfig {

    /** How often due schedules fire and runs are followed up (read by @Scheduled; {@code off} in tests, which tick themselves). */
    @WithDefault("30s")
    String tick();

    /** The wait before a failed run's first retry; it doubles with each further retry. */
    @WithDefault("5m")
    Duration retryBackoff();

    /** Retries of a failed run when the schedule names none. */
    @WithDefault("3")
    int maxRetries();

    /** Schedules one owner may have. */
    @WithDefault("50")
    int maxPerUser();
}
