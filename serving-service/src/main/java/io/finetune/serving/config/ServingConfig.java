package io.finetune.serving.config;

import io.finetune.common.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of serving-service under {@code serving.*}. */
@ConfigMapping(prefix = "serving")
public interface ServingConfig {

    /**
     * The most model versions held in memory at once; loading one more closes the least recently
     * used (once no request is predicting with it).
     */
    @WithDefault("8")
    int maxLoadedModels();

    /** The most inputs in one prediction request. */
    @WithDefault("64")
    int maxInputs();

    /** Artifacts loaded at the same time (download, load, smoke prediction), beside request traffic. */
    @WithDefault("1")
    int loadThreads();

    /** What a 503 answered while a version is still loading tells the caller to wait. */
    @WithDefault("2s")
    Duration retryAfter();

    /**
     * How long a version whose load failed is refused before a request may try it again: a broken
     * artifact stays broken, but a store that was briefly unreachable should not bar a version forever.
     */
    @WithDefault("5m")
    Duration failedLoadBackoff();

    Topic topic();

    interface Topic {

        /** Overridden only to isolate a benchmark from the shared topic. */
        @WithDefault(Topics.MODELS_EVENTS)
        String modelsEvents();

        /** Partitions when this service has to create the topic (the scheduler normally does). */
        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();
    }
}
