package io.finetune.common.events;

/**
 * What a job does, the {@code kind} of {@link JobEvent}, {@link TrainingDispatch} and the public API:
 * both kinds share names, the queue, the lifecycle and the trainers.
 */
public final class JobKind {

    /** Trains a new version of a model (the default). */
    public static final String TRAINING = "training";
    /** Predicts every row of an unlabelled dataset with one model version and stores the predictions as a file. */
    public static final String PREDICTION = "prediction";

    private JobKind() {
    }
}
