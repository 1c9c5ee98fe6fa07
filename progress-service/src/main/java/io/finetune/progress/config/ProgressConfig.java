package io.finetune.progress.config;

import io.finetune.common.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of progress-service under {@code progress.*}. */
@ConfigMapping(prefix = "progress")
public interface ProgressConfig {

    /** The topics this service consumes, and how they are created when they do not exist yet. */
    TopicSettings topics();

    /** How long an applied event's id is kept for dropping redeliveries early. */
    Retention retention();

    Metrics metrics();

    /** When the models view flags a model's latest version. */
    Models models();

    interface TopicSettings {

        /** The scheduler's transitions; overridden only to isolate a benchmark. */
        @WithDefault(Topics.JOBS_EVENTS)
        String jobsEvents();

        /** The trainers' reports; overridden only to isolate a benchmark. */
        @WithDefault(Topics.TRAINING_EVENTS)
        String trainingEvents();

        /** The scheduler's registered model versions; overridden only to isolate a benchmark. */
        @WithDefault(Topics.MODELS_EVENTS)
        String modelsEvents();

        /** Partitions of a topic created here; another service creating it first decides instead. */
        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();
    }

    interface Retention {

        /**
         * Ids older than this are pruned. Correctness never depends on them (every write is an
         * idempotent merge); keep it near the topics' retention so replays are skipped cheaply.
         */
        @WithDefault("P7D")
        Duration processedEvents();
    }

    interface Metrics {

        /** How often the gauges computed from the view (jobs by state, models) are refreshed. */
        @WithDefault("15s")
        String refreshEvery();
    }

    interface Models {

        /** A model whose latest version is older than this is {@code stale} (issue 6: 36 hours). */
        @WithDefault("PT36H")
        Duration staleAfter();

        /**
         * A model is {@code accuracyDropped} when its latest version's validation accuracy is lower than
         * the previous version's by more than this.
         */
        @WithDefault("0.02")
        double accuracyDrop();
    }
}
