package io.finetune.trainer.service;

import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.recipes.Recipe;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.messaging.JobEvents;
import io.finetune.trainer.messaging.TrainingEventPublisher;
import io.finetune.trainer.recipe.EpochListener;
import io.finetune.trainer.recipe.TrainingInputException;
import io.finetune.trainer.recipe.TrainingRecipe;
import io.finetune.trainer.recipe.TrainingRequest;
import io.finetune.trainer.recipe.TrainingResult;
import io.quarkus.arc.All;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs one dispatched job to its end: reports it started, trains it with its recipe on the
 * dataset from S3, stores the model in S3 and reports the result. Never throws: whatever goes
 * wrong becomes a {@code training.failed} event, and the worker goes on to the next job.
 */
@ApplicationScoped
public class TrainingService {

    private static final Logger LOG = Logger.getLogger(TrainingService.class);

    private final Map<Recipe, TrainingRecipe> recipes;
    private final TrainingEventPublisher publisher;
    private final ArtifactStore store;
    private final DjlEngine engine;
    private final TrainerMetrics metrics;
    private final String workerId;

    public TrainingService(@All List<TrainingRecipe> recipes, TrainingEventPublisher publisher, ArtifactStore store,
            DjlEngine engine, TrainerMetrics metrics, TrainerConfig config) {
        this.recipes = recipes.stream().collect(Collectors.toMap(TrainingRecipe::recipe, Function.identity()));
        this.publisher = publisher;
        this.store = store;
        this.engine = engine;
        this.metrics = metrics;
        this.workerId = config.workerId().orElseGet(TrainingService::defaultWorkerId);
    }

    public String workerId() {
        return workerId;
    }

    /** Where the model of this attempt goes in the models bucket. */
    public static String modelPrefix(TrainingDispatch dispatch) {
        return dispatch.jobId() + "/attempt-" + dispatch.attempt() + "/";
    }

    public void run(TrainingDispatch dispatch) {
        long start = System.nanoTime();
        JobEvents events = publisher.forJob(dispatch, workerId);
        metrics.jobStarted();
        String outcome = "failed";
        Path workDir = null;
        LOG.infof("Job %s attempt %d: %s, %d epochs", dispatch.jobId(), dispatch.attempt(), dispatch.recipe(),
                dispatch.epochs());
        try {
            events.started(engine.deviceKind());
            TrainingRecipe recipe = recipeOf(dispatch);
            if (dispatch.epochs() < 1) {
                throw new TrainingInputException("The job asks for " + dispatch.epochs() + " epochs; at least 1 is needed.");
            }
            workDir = Files.createTempDirectory("trainer-" + dispatch.jobId());
            TrainingResult result;
            try (InputStream data = store.openDataset(dispatch.datasetObjectKey())) {
                result = recipe.train(new TrainingRequest(dispatch.jobId(), dispatch.attempt(), dispatch.epochs(),
                        dispatch.hyperparameters()), data, workDir, reportingTo(events));
            }
            String modelUri = store.uploadModel(modelPrefix(dispatch), workDir);
            events.succeeded(modelUri, result.finalMetrics());
            outcome = "succeeded";
            LOG.infof("Job %s attempt %d succeeded: %s", dispatch.jobId(), dispatch.attempt(), modelUri);
        } catch (TrainingInputException e) {
            LOG.infof("Job %s attempt %d cannot be trained: %s", dispatch.jobId(), dispatch.attempt(), e.getMessage());
            reportFailure(events, dispatch, e.getMessage());
        } catch (Exception | LinkageError e) {
            // LinkageError: the PyTorch natives failed to load; the worker still reports and goes on
            LOG.errorf(e, "Job %s attempt %d failed unexpectedly", dispatch.jobId(), dispatch.attempt());
            reportFailure(events, dispatch, "Training stopped on an unexpected error in the trainer ("
                    + e.getClass().getSimpleName() + "); this is not a problem with your data. The operators "
                    + "find the details in the log of worker " + workerId + ".");
        } finally {
            delete(workDir);
            metrics.jobFinished(outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private TrainingRecipe recipeOf(TrainingDispatch dispatch) {
        return Recipe.fromWire(dispatch.recipe()).map(recipes::get)
                .orElseThrow(() -> new TrainingInputException("Recipe '" + dispatch.recipe()
                        + "' is not supported by this trainer; supported: "
                        + recipes.keySet().stream().map(Recipe::wireName).sorted().toList() + "."));
    }

    private EpochListener reportingTo(JobEvents events) {
        long[] previousElapsed = {0};
        return epoch -> {
            metrics.epochCompleted(Duration.ofMillis(epoch.elapsedMillis() - previousElapsed[0]));
            previousElapsed[0] = epoch.elapsedMillis();
            events.epochCompleted(epoch);
        };
    }

    private void reportFailure(JobEvents events, TrainingDispatch dispatch, String message) {
        try {
            events.failed(message);
        } catch (RuntimeException e) {
            LOG.errorf("Job %s attempt %d: could not report its failure (%s)", dispatch.jobId(), dispatch.attempt(),
                    e.getMessage());
        }
    }

    private static void delete(Path dir) {
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
