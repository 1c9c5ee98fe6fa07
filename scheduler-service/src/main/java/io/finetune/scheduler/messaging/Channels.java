package io.finetune.scheduler.messaging;

/** The messaging channels of this service; application.properties binds each to its topic. */
public final class Channels {

    /** {@code datasets.events}: datasets validated or rejected. */
    public static final String DATASETS_IN = "datasets-in";
    /** {@code training.events}: what trainers report. */
    public static final String TRAINING_IN = "training-in";
    /**
     * Everything this service publishes ({@code jobs.events}, {@code models.events}, the dispatch
     * and control topics), from the outbox; each message names its own topic.
     */
    public static final String OUTBOX_OUT = "outbox-out";

    private Channels() {
    }
}
