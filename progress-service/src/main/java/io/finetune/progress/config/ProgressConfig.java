package io.finetune.progress.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of progress-service under {@code progress.*}. */
@ConfigMapping(prefix = "progress")
public interface ProgressConfig {

    /** How the topics this service consumes are created when they do not exist yet. */
    TopicSettings topics();

    interface TopicSettings {

        /** Partitions of a topic created here; another service creating it first decides instead. */
        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();
    }
}
