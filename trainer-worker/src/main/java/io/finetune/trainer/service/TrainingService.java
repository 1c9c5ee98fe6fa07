package io.finetune.trainer.service;

import io.finetune.common.events.JobKind;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.Checkpoint;
import io.finetune.recipes.DjlEngine;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.TrainingRecipe;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.finetune.recipes.TrainingStoppedException;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.messaging.JobEvents;
import io.finetune.trainer.messaging.TrainingEventPublisher;
import io.quarkus.arc.All;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs one dispatched job to its end: reports it started, trains it with its recipe on the
 * dataset from S3 (from the registered base model it names, if any; resuming from the job's last
 * checkpoint on a later attempt), stores the model
 * in S3 and reports the result; a prediction job ({@link PredictionService}) stores its predictions
 * file instead. Never throws: whatever goes wrong becomes a classified
 * {@code training.failed} event, a command a {@code training.cancelled} or
 * {@code training.preempted} one, and the worker goes on to the next job.
 */
@ApplicationScoped
public class TrainingService {

    private static final Logger LOG = Logger.getLogger(TrainingService.class);

    private final Map<Recipe, TrainingRecipe> recipes;
    private final TrainingEventPublisher publisher;
    private final ArtifactStore store;
    private final PredictionService predictions;
    private final CheckpointStore checkpoints;
    private final BaseModelCache baseModels;
    private final ControlRegistry controls;
    private final DjlEngine engine;
    private final TrainerMetrics metrics;
    private final TrainerConfig config;
    private final String workerId;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "trainer-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    public TrainingService(@All List<TrainingRecipe> recipes, TrainingEventPublisher publisher, ArtifactStore store,
            PredictionService predictions, CheckpointStore checkpoints, BaseModelCache baseModels,
            ControlRegistry controls, DjlEngine engine, TrainerMetrics metrics, TrainerConfig config) {
        this.recipes = recipes.stream().collect(Collectors.toMap(TrainingRecipe::recipe, Function.identity()));
        this.publisher = publisher;
        this.store = store;
        this.predictions = predictions;
        this.checkpoints = checkpoints;
        this.baseModels = baseModels;
        this.controls = controls;
        this.engine = engine;
        this.metrics = metrics;
        this.config = config;
        this.workerId = config.workerId().orElseGet(TrainingService::defaultWorkerId);
    }

    public String workerId() {
        return workerId;
    }

    /** Where the model of this attempt goes in the models bucket. */
    public static String modelPrefix(TrainingDispatch dispatch) {
        return dispatch.jobId() + "/attempt-" + dispatch.attempt() + "/";
    }

    /**
     * Runs the dispatch: from the job's latest checkpoint when it is a later attempt, with
     * heartbeats throughout, until it succeeds, fails, or a command stops it.
     */
    public void run(TrainingDispatch dispatch) {
        long start = System.nanoTime();
        JobEvents events = publisher.forJob(dispatch, workerId);
        metrics.jobStarted();
        String outcome = "failed";
        String device = "cpu";
        Path workDir = null;
        JobRun run = null;
        ScheduledFuture<?> heartbeat = null;
        LOG.infof("Job %s attempt %d: %s, %d epochs", dispatch.jobId(), dispatch.attempt(), dispatch.recipe(),
                dispatch.epochs());
        try {
            device = engine.deviceKind();
            events.started(device);
            workDir = Files.createTempDirectory("trainer-" + dispatch.jobId());
            run = new JobRun(dispatch, events, checkpoints, metrics, config.checkpoint(),
                    Files.createDirectory(workDir.resolve("checkpoints")));
            controls.register(run);
            long interval = config.heartbeatInterval().toMillis();
            // Fixed delay: after a slow send (broker trouble) heartbeats do not burst to catch up
            heartbeat = heartbeats.scheduleWithFixedDelay(run::heartbeat, interval, interval, TimeUnit.MILLISECONDS);

            if (JobKind.PREDICTION.equals(dispatch.kind())) {
                String resultUri = predictions.predict(dispatch, run, workDir);
                events.predicted(resultUri, Duration.ofNanos(System.nanoTime() - start).toMillis());
                outcome = "succeeded";
                return;
            }
            TrainingRecipe recipe = recipeOf(dispatch);
            if (dispatch.epochs() < 1) {
                throw new TrainingInputException("The job asks for " + dispatch.epochs() + " epochs; at least 1 is needed.");
            }
            TrainingRequest.BaseModelFile baseModel = dispatch.baseModel() == null ? null
                    : baseModels.fetch(dispatch.baseModel());
            Checkpoint resume = null;
            if (dispatch.attempt() > 1) {
                resume = checkpoints.latest(dispatch.jobId(), Files.createDirectory(workDir.resolve("resume"))).orElse(null);
                run.resumedFrom(resume == null ? 0 : resume.epoch());
                LOG.infof("Job %s attempt %d resumes %s", dispatch.jobId(), dispatch.attempt(),
                        resume == null ? "from the start: no checkpoint" : "after epoch " + resume.epoch());
            }
            TrainingRequest.WarmStart warmStart = resume == null ? warmStart(dispatch, workDir) : null;
            Path modelDir = Files.createDirectory(workDir.resolve("model"));
            TrainingResult result;
            try (InputStream data = store.openDataset(dispatch.datasetObjectKey())) {
                result = recipe.train(new TrainingRequest(dispatch.jobId(), dispatch.attempt(), dispatch.epochs(),
                        dispatch.hyperparameters(), resume, warmStart, baseModel), data, modelDir, run);
            }
            run.awaitCheckpoints();
            String modelUri = store.uploadModel(modelPrefix(dispatch), modelDir);
            checkpoints.deleteAll(dispatch.jobId());
            events.succeeded(modelUri, result.finalMetrics(),
                    result.card(Duration.ofNanos(System.nanoTime() - start).toMillis(), device, modelUri));
            outcome = "succeeded";
            LOG.infof("Job %s attempt %d succeeded: %s", dispatch.jobId(), dispatch.attempt(), modelUri);
        } catch (TrainingStoppedException e) {
            outcome = reportStop(events, dispatch, e);
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            // LinkageError: the PyTorch natives failed to load; the worker still reports and goes on
            FailureClassifier.Failure failure = FailureClassifier.classify(e, dispatch, device, workerId);
            if (TrainingEvent.USER_DATA.equals(failure.kind())) {
                LOG.infof("Job %s attempt %d cannot be trained: %s", dispatch.jobId(), dispatch.attempt(), e.getMessage());
            } else {
                LOG.errorf(e, "Job %s attempt %d failed (%s)", dispatch.jobId(), dispatch.attempt(), failure.kind());
            }
            reportFailure(events, dispatch, failure);
        } finally {
            stopHeartbeat(heartbeat);
            if (run != null) {
                controls.unregister(run);
                run.close();
            }
            delete(workDir);
            metrics.jobFinished(outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @PreDestroy
    void stop() {
        heartbeats.shutdownNow();
    }

    private static void stopHeartbeat(ScheduledFuture<?> heartbeat) {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
    }

    private String reportStop(JobEvents events, TrainingDispatch dispatch, TrainingStoppedException stop) {
        LOG.infof("Job %s attempt %d: %s", dispatch.jobId(), dispatch.attempt(), stop.getMessage());
        try {
            if (stop.reason() == TrainingStoppedException.Reason.PREEMPTED) {
                events.preempted(stop.checkpointEpoch(), stop.getMessage());
                return "preempted";
            }
            events.cancelled(stop.checkpointEpoch(), stop.getMessage());
            return "cancelled";
        } catch (RuntimeException e) {
            LOG.errorf("Job %s attempt %d: could not report that it stopped (%s)", dispatch.jobId(), dispatch.attempt(),
                    e.getMessage());
            return "failed";
        }
    }

    /**
     * The model's latest version, downloaded, when the scheduler names one; the recipe decides
     * whether its schema allows continuing from it.
     */
    private TrainingRequest.WarmStart warmStart(TrainingDispatch dispatch, Path workDir) throws IOException {
        if (dispatch.warmStartUri() == null) {
            return null;
        }
        Path dir = workDir.resolve("warm-start");
        if (!store.downloadModel(dispatch.warmStartUri(), dir)) {
            LOG.warnf("Job %s trains from scratch: nothing is stored at its warm start %s", dispatch.jobId(),
                    dispatch.warmStartUri());
            return null;
        }
        return new TrainingRequest.WarmStart(dispatch.warmStartUri(), dir);
    }

    private TrainingRecipe recipeOf(TrainingDispatch dispatch) {
        return Recipe.fromWire(dispatch.recipe()).map(recipes::get)
                .orElseThrow(() -> new TrainingInputException("Recipe '" + dispatch.recipe()
                        + "' is not supported by this trainer; supported: "
                        + recipes.keySet().stream().map(Recipe::wireName).sorted().toList() + "."));
    }

    private void reportFailure(JobEvents events, TrainingDispatch dispatch, FailureClassifier.Failure failure) {
        try {
            events.failed(failure.message(), failure.kind());
        } catch (RuntimeException e) {
            LOG.errorf("Job %s attempt %d: could not report its failure (%s)", dispatch.jobId(), dispatch.attempt(),
                    e.getMessage());
        }
    }

    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("Could not delete %s: %s", dir, e.getMessage());
        }
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "trainer";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
