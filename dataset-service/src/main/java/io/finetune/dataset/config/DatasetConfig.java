package io.finetune.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The dataset-service's own settings ({@code dataset.*}). */
@ConfigMapping(prefix = "dataset")
public interface DatasetConfig {

    /** The bucket that holds every dataset's bytes; created at start-up when missing. */
    @WithDefault("datasets")
    String bucket();

    /** How long a presigned upload URL stays valid (S3 allows at most 7 days). */
    @WithDefault("PT1H")
    Duration uploadExpiry();
}
