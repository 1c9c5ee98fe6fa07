package io.finetune.recipes;

/**
 * Thrown by a {@link TrainingMonitor} to stop training on a command: not a failure. Recipes let it
 * pass and release what they hold.
 */
public class TrainingStoppedException extends RuntimeException {

    /** What stopped the run. */
    public enum Reason { CANCELLED, PREEMPTED }

    private final Reason reason;
    private final int checkpointEpoch;

    /** @param checkpointEpoch the epoch of the checkpoint the job resumes from (0: none) */
    public TrainingStoppedException(Reason reason, int checkpointEpoch, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.checkpointEpoch = checkpointEpoch;
    }

    public Reason reason() {
        return reason;
    }

    public int checkpointEpoch() {
        return checkpointEpoch;
    }
}
