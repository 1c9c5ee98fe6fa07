package io.finetune.trainer.service;

import io.finetune.common.events.TrainingControl;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.recipes.EpochMetrics;
import io.finetune.recipes.TrainingMonitor;
import io.finetune.recipes.TrainingState;
import io.finetune.recipes.TrainingStoppedException.Reason;
import io.finetune.recipes.TrainingStoppedException;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.messaging.JobEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * One attempt of one job as the worker sees it while the recipe trains: reports epochs and
 * heartbeats, saves checkpoints and carries out the job's cancel or preempt command at the next
 * training step.
 *
 * <p>A checkpoint is written locally on the training thread (a consistent snapshot, milliseconds
 * for the models here) and uploaded on a thread of its own, so the store's latency stays out of
 * the training loop; uploads run in order, and a failed one fails the job at the next checkpoint.
 */
final class JobRun implements TrainingMonitor, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobRun.class);

    private final TrainingDispatch dispatch;
    private final JobEvents events;
    private final CheckpointStore checkpoints;
    private final TrainerMetrics metrics;
    private final TrainerConfig.Checkpoint policy;
    private final Path localCheckpoints;
    private final long startNanos = System.nanoTime();
    private final ExecutorService uploads;

    private volatile TrainingControl command;
    private volatile Integer lastEpoch;
    /** The newest checkpoint known to be whole in the store (0: none). */
    private volatile int savedEpoch;
    private Future<?> pendingUpload = CompletableFuture.completedFuture(null);
    private long previousElapsed;

    JobRun(TrainingDispatch dispatch, JobEvents events, CheckpointStore checkpoints, TrainerMetrics metrics,
            TrainerConfig.Checkpoint policy, Path localCheckpoints) {
        this.dispatch = dispatch;
        this.events = events;
        this.checkpoints = checkpoints;
        this.metrics = metrics;
        this.policy = policy;
        this.localCheckpoints = localCheckpoints;
        this.uploads = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "trainer-checkpoint-" + dispatch.jobId());
            thread.setDaemon(true);
            return thread;
        });
    }

    UUID jobId() {
        return dispatch.jobId();
    }

    int attempt() {
        return dispatch.attempt();
    }

    /** A command for this job and attempt; a cancel is final and is not replaced by a later preempt. */
    void command(TrainingControl control) {
        TrainingControl current = command;
        if (current == null || !TrainingControl.CANCEL.equals(current.type())) {
            command = control;
        }
    }

    /** The checkpoint this attempt resumed from counts as saved. */
    void resumedFrom(int epoch) {
        savedEpoch = epoch;
        lastEpoch = epoch == 0 ? null : epoch;
    }

    void heartbeat() {
        try {
            events.heartbeat(lastEpoch, Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
        } catch (RuntimeException e) {
            // A missed heartbeat is harmless unless they all fail; then the scheduler requeues the job
            LOG.warnf("Job %s: heartbeat not sent (%s)", dispatch.jobId(), e.getMessage());
        }
    }

    @Override
    public void beforeStep(TrainingState state) throws IOException {
        TrainingControl control = command;
        if (control == null) {
            return;
        }
        String reason = control.reason() == null || control.reason().isBlank() ? "" : " (" + control.reason() + ")";
        if (TrainingControl.CANCEL.equals(control.type())) {
            try {
                awaitCheckpoints();
            } catch (IOException e) {
                LOG.warnf("Job %s: the last checkpoint upload failed before the cancel (%s)", dispatch.jobId(),
                        e.getMessage());
            }
            throw new TrainingStoppedException(Reason.CANCELLED, savedEpoch, "Cancelled" + reason + " after epoch "
                    + state.completedEpochs() + " of " + dispatch.epochs() + ".");
        }
        if (TrainingControl.PREEMPT.equals(control.type())) {
            // The weights now include the partial epoch; the checkpoint is labelled with the last whole
            // epoch, so the resumed attempt runs the interrupted epoch again under the same number
            save(state).get();
            throw new TrainingStoppedException(Reason.PREEMPTED, state.completedEpochs(), "Preempted" + reason
                    + " after epoch " + state.completedEpochs() + " of " + dispatch.epochs()
                    + "; the job resumes from its checkpoint.");
        }
        LOG.warnf("Job %s: ignoring unknown command %s", dispatch.jobId(), control.type());
        command = null;
    }

    /**
     * Before each batch of a prediction job: a cancel or preempt stops it now. Nothing is kept; a
     * preempted prediction job predicts from the start on its next attempt.
     */
    void beforeBatch(long rowsDone) {
        TrainingControl control = command;
        if (control == null) {
            return;
        }
        String reason = control.reason() == null || control.reason().isBlank() ? "" : " (" + control.reason() + ")";
        if (TrainingControl.CANCEL.equals(control.type())) {
            throw new TrainingStoppedException(Reason.CANCELLED, 0, "Cancelled" + reason + " after " + rowsDone
                    + " rows were predicted.");
        }
        if (TrainingControl.PREEMPT.equals(control.type())) {
            throw new TrainingStoppedException(Reason.PREEMPTED, 0, "Preempted" + reason + " after " + rowsDone
                    + " rows; the job predicts from the start when it runs again.");
        }
        LOG.warnf("Job %s: ignoring unknown command %s", dispatch.jobId(), control.type());
        command = null;
    }

    @Override
    public void epochCompleted(EpochMetrics epoch, TrainingState state) throws IOException {
        metrics.epochCompleted(Duration.ofMillis(epoch.elapsedMillis() - previousElapsed));
        previousElapsed = epoch.elapsedMillis();
        lastEpoch = epoch.epoch();
        events.epochCompleted(epoch);
        if (epoch.epoch() % Math.max(1, policy.everyEpochs()) == 0) {
            save(state);
        }
    }

    /** Waits for the checkpoint uploads started so far. */
    void awaitCheckpoints() throws IOException {
        try {
            pendingUpload.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while saving a checkpoint", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("saving a checkpoint", e.getCause());
        }
    }

    /** Writes the checkpoint now and uploads it after the ones before it. */
    private Waiter save(TrainingState state) throws IOException {
        awaitIfFailed();
        int epoch = state.completedEpochs();
        Path dir = Files.createTempDirectory(localCheckpoints, "epoch-" + epoch + "-");
        state.writeCheckpoint(dir);
        pendingUpload = uploads.submit(() -> {
            checkpoints.upload(dispatch.jobId(), epoch, dir);
            savedEpoch = epoch;
            checkpoints.retain(dispatch.jobId(), Math.max(1, policy.keep()));
            TrainingService.delete(dir);
            return null;
        });
        return this::awaitCheckpoints;
    }

    /** Surfaces an earlier upload's failure without waiting for one still running. */
    private void awaitIfFailed() throws IOException {
        if (pendingUpload.isDone()) {
            awaitCheckpoints();
        }
    }

    @Override
    public void close() {
        uploads.shutdownNow();
    }

    @FunctionalInterface
    private interface Waiter {
        void get() throws IOException;
    }
}
