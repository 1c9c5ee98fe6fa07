package io.finetune.common.events;

/**
 * Every Kafka topic of the platform, named once. Channel configuration in each service's
 * application.properties refers to these names; docs/events.md describes their schemas.
 */
public final class Topics {

    /** Facts about datasets, keyed by dataset id. Produced by dataset-service. */
    public static final String DATASETS_EVENTS = "datasets.events";
    /** Facts about the lifecycle of jobs, keyed by job id. Produced by scheduler-service. */
    public static final String JOBS_EVENTS = "jobs.events";
    /** Facts from a running job (epochs, heartbeats, result), keyed by job id. Produced by trainer-worker. */
    public static final String TRAINING_EVENTS = "training.events";
    /**
     * Facts about models: a new version registered, keyed by {@code owner/model}. Produced by
     * scheduler-service; read by progress-service (the models view) and serving.
     */
    public static final String MODELS_EVENTS = "models.events";
    /**
     * The prefix of each lane's dispatch topic, {@code training.dispatch.<lane>}: one message per job
     * released to a free trainer slot of the lane. Its consumer-group lag is what KEDA scales on.
     */
    public static final String TRAINING_DISPATCH = "training.dispatch";

    /** Cancel and preempt commands for running jobs, keyed by job id. Every trainer reads all of them. */
    public static final String TRAINING_CONTROL = "training.control";

    /** The trainers' consumer group on {@link #TRAINING_DISPATCH}; KEDA's Kafka trigger names it too. */
    public static final String TRAINERS_GROUP = "trainers";

    /**
     * Headers of a record on a service's dead-letter topic ({@code dead-letter.<service>}): why it was
     * refused and where it came from. The names are those of the Kafka connector's own dead-letter
     * queue, so records dead-lettered by hand and by the connector read the same.
     */
    public static final String DEAD_LETTER_REASON_HEADER = "dead-letter-reason";
    public static final String DEAD_LETTER_TOPIC_HEADER = "dead-letter-topic";

    private Topics() {
    }
}
