package io.finetune.trainer.config;

import io.finetune.common.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "trainer")
public interface TrainerConfig {

    /** Names this worker in its events; defaults to host name and pid (env TRAINER_WORKER_ID). */
    Optional<String> workerId();

    Dispatch dispatch();

    Storage storage();

    interface Dispatch {

        @WithDefault(Topics.TRAINING_DISPATCH)
        String topic();

        @WithDefault(Topics.TRAINERS_GROUP)
        String group();

        /** Partitions used when this worker has to create the topic (the scheduler normally does). */
        @WithDefault("4")
        int partitions();

        /** How long one poll waits; bounds how quickly an idle worker notices shutdown. */
        @WithDefault("1s")
        Duration pollTimeout();

        /** Pause before reconnecting after the broker could not be reached. */
        @WithDefault("5s")
        Duration retryBackoff();
    }

    interface Storage {

        @WithDefault("datasets")
        String datasetsBucket();

        @WithDefault("models")
        String modelsBucket();
    }
}
