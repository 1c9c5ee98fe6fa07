package io.finetune.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Prediction jobs: the lane they queue in and how their result is handed out. */
@ConfigMapping(prefix = "scheduler.predictions")
public interface PredictionConfig {

    /** The lane (one of {@code scheduler.lanes}) whose trainers run prediction jobs: CPU workers, no GPU. */
    @WithDefault("cpu")
    String lane();

    /** How long a presigned download URL of a predictions file stays valid. */
    @WithDefault("PT15M")
    Duration urlExpiry();
}
