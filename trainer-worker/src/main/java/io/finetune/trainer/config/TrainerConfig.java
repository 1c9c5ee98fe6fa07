package io.finetune.trainer.config;

import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "trainer")
public interface TrainerConfig {

    /** Names this worker in its events; defaults to host name and pid (env TRAINER_WORKER_ID). */
    Optional<String> workerId();

    /**
     * Laptop mode, set by the entry point when it gets {@code --dataset}: trains one local file, takes
     * no jobs from Kafka.
     */
    @WithDefault("false")
    boolean local();

    /** How often a running job sends {@code training.heartbeat}, also in the middle of a long epoch. */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /**
     * Replication factor of the topics this worker creates when they are missing (dispatch, control):
     * 1 suits a single local broker; on a cluster whose {@code min.insync.replicas} is higher, writes to
     * such a topic would be refused, so the chart sets the cluster's (env TRAINER_TOPIC_REPLICATION_FACTOR).
     */
    @WithDefault("1")
    short topicReplicationFactor();

    Dispatch dispatch();

    Control control();

    Checkpoint checkpoint();

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

    interface Control {

        /** Cancel and preempt commands; every worker reads every partition (no consumer group). */
        @WithDefault(Topics.TRAINING_CONTROL)
        String topic();

        /** Partitions used when this worker has to create the topic. */
        @WithDefault("4")
        int partitions();
    }

    interface Checkpoint {

        /** A checkpoint after every N-th epoch (a preempt saves one whenever it comes). */
        @WithDefault("1")
        int everyEpochs();

        /** How many of a job's checkpoints stay in the store; older ones are deleted. */
        @WithDefault("2")
        int keep();
    }

    interface Storage {

        @WithDefault("datasets")
        String datasetsBucket();

        @WithDefault("models")
        String modelsBucket();

        /** Where prediction jobs write their predictions files ({@code <jobId>/attempt-<n>/predictions.csv}). */
        @WithDefault("predictions")
        String predictionsBucket();

        /** The base-model registry ({@code <name>/<version>/model.pt} and {@code base-model.json}). */
        @WithDefault(BaseModel.BUCKET)
        String baseModelsBucket();

        /**
         * Where this worker keeps the base models it has downloaded and verified, one file per SHA-256,
         * so that the next job on the same base model does not download it again.
         */
        @WithDefault("${java.io.tmpdir}/trainer-base-models")
        Path baseModelsCache();
    }

    /** Prediction jobs. */
    Prediction prediction();

    interface Prediction {

        /** Rows predicted per call of the model; also how often a cancel or preempt command is looked at. */
        @WithDefault("256")
        int batchSize();
    }
}
