package io.finetune.common.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A command to the trainer running a job, on {@link Topics#TRAINING_CONTROL}, keyed by job id.
 * Produced by scheduler-service; every trainer reads every command and acts only on the job (and
 * attempt) it runs. The trainer answers with {@code training.cancelled} or {@code training.preempted}.
 *
 * @param attempt the attempt the command is meant for; a command for an older attempt is ignored
 */
public record TrainingControl(
        UUID eventId,
        String type,
        Instant time,
        long sequence,
        UUID jobId,
        int attempt,
        String reason) implements PlatformEvent {

    /** Stop at the next step, keep the last checkpoint. */
    public static final String CANCEL = "training.cancel";
    /** Save a checkpoint, then stop: the job is requeued and resumes from it. */
    public static final String PREEMPT = "training.preempt";
}
