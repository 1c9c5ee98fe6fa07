package io.finetune.scheduler.config;

import io.finetune.common.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The scheduler's own settings ({@code scheduler.*}). */
@ConfigMapping(prefix = "scheduler")
public interface SchedulerConfig {

    /** Trainer slots: how many jobs may be dispatched or running at once. */
    @WithDefault("2")
    int slots();

    /** How often the dispatcher looks for free slots besides running after every change (read by @Scheduled). */
    @WithDefault("2s")
    String tick();

    Dispatch dispatch();

    Outbox outbox();

    interface Dispatch {

        /** The topic trainers consume; KEDA watches its consumer-group lag. */
        @WithDefault(Topics.TRAINING_DISPATCH)
        String topic();

        /** Partitions of the dispatch topic when the scheduler creates it: the most trainer pods that can share it. */
        @WithDefault("4")
        int partitions();

        /** The trainers' consumer group, whose offsets the scheduler seeds so that KEDA sees lag from the start. */
        @WithDefault(Topics.TRAINERS_GROUP)
        String trainerGroup();
    }

    interface Outbox {

        /** How often the relay looks for unsent messages besides running after every commit. */
        @WithDefault("200ms")
        Duration tick();

        /** Messages published per relay transaction. */
        @WithDefault("100")
        int batchSize();
    }
}
