package io.finetune.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.common.recipes.Recipe;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.client.PredictionClient;
import io.finetune.gateway.client.ProgressClient;
import io.finetune.gateway.client.SchedulerClient;
import io.finetune.gateway.rest.SubmitJobRequest;
import io.finetune.gateway.rest.SubmitPredictionRequest;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.client.SseEvent;

/**
 * Jobs: submitted to scheduler-service, read from progress-service. A submission is checked
 * against its dataset first, so that the user learns at once why a dataset cannot be trained on
 * rather than from a job that fails later.
 */
@ApplicationScoped
public class JobService {

    static final String DATASET_ID = "datasetId";
    private static final Logger LOG = Logger.getLogger(JobService.class);

    private final DatasetService datasets;
    private final SchedulerClient scheduler;
    private final ProgressClient progress;
    private final PredictionClient predictions;

    public JobService(DatasetService datasets, @RestClient SchedulerClient scheduler, @RestClient ProgressClient progress,
            @RestClient PredictionClient predictions) {
        this.datasets = datasets;
        this.scheduler = scheduler;
        this.progress = progress;
        this.predictions = predictions;
    }

    /** @param idempotencyKey passed on to the scheduler, which answers a repeated key with the job it made (null: none) */
    public JsonNode submit(String owner, String idempotencyKey, SubmitJobRequest request) {
        checkRecipe(request.recipe(), request.baseModel());
        checkTrainable(datasets.get(owner, request.datasetId()));
        return Downstream.call(Downstream.SCHEDULER_SERVICE, () -> scheduler.submit(owner, idempotencyKey, request));
    }

    /**
     * A prediction job (kind {@code prediction}) with a version of the owner's model on a dataset of theirs,
     * checked like a training job's dataset first; scheduler-service checks the dataset's columns against
     * the model's inputs.
     */
    public JsonNode submitPrediction(String owner, String idempotencyKey, String model, SubmitPredictionRequest request) {
        checkTrainable(datasets.get(owner, request.datasetId()));
        return Downstream.call(Downstream.SCHEDULER_SERVICE,
                () -> predictions.submit(owner, idempotencyKey, model, request));
    }

    /** A short-lived presigned URL of a succeeded prediction job's file. */
    public JsonNode predictions(String owner, UUID id) {
        return Downstream.call(Downstream.SCHEDULER_SERVICE, () -> predictions.result(owner, id));
    }

    /** One page of the owner's jobs and the cursor of the next page (null on the last). */
    public record JobPage(JsonNode jobs, String nextCursor) {
    }

    /**
     * One page of the owner's jobs, newest first; with {@code name}, only the job of that name.
     * progress-service filters by name once it supports it; filtering here too keeps the answer right either way.
     *
     * @param limit the page size (null: progress-service's default, 100)
     * @param cursor the previous page's {@link JobPage#nextCursor()} (null: the first page)
     */
    public JobPage list(String owner, String name, Integer limit, String cursor) {
        RestResponse<JsonNode> page = Downstream.call(Downstream.PROGRESS_SERVICE,
                () -> progress.list(owner, name, limit, cursor));
        JsonNode jobs = page.getEntity();
        return new JobPage(name == null ? jobs : named(jobs, name), page.getHeaderString(ProgressClient.NEXT_CURSOR));
    }

    public RestResponse<JsonNode> cancel(String owner, UUID id) {
        return Downstream.call(Downstream.SCHEDULER_SERVICE, () -> scheduler.cancel(owner, id));
    }

    /**
     * Server-sent events of progress-service about the owner's jobs, or one job of theirs (blocking:
     * another user's job is a 404 before the stream opens). Once a stream is open its answer is sent,
     * so a stream that fails ends instead: clients reconnect, or poll when it never delivered anything.
     */
    public Multi<SseEvent<String>> stream(String owner, UUID id) {
        if (id != null) {
            get(owner, id);
        }
        return Downstream.stream(Downstream.PROGRESS_SERVICE,
                        () -> id == null ? progress.stream(owner) : progress.stream(owner, id))
                .onFailure().invoke(e -> LOG.infof("job stream of progress-service ended: %s", e.getMessage()))
                .onFailure().recoverWithCompletion();
    }

    static JsonNode named(JsonNode jobs, String name) {
        ArrayNode matching = JsonNodeFactory.instance.arrayNode();
        jobs.forEach(job -> {
            if (name.equals(job.path("name").asText(null))) {
                matching.add(job);
            }
        });
        return matching;
    }

    public JsonNode get(String owner, UUID id) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> progress.get(owner, id));
    }

    /** The history of one job of the owner's (progress-service's answer, passed through), oldest first. */
    public JsonNode events(String owner, UUID id) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> progress.events(owner, id));
    }

    /**
     * The recipe must be in the catalogue; a base model must have the form of one and, when the recipe is
     * named, be one the recipe takes (without a recipe the scheduler's default decides that).
     */
    static void checkRecipe(String recipe, String baseModel) {
        if (recipe != null && Recipe.fromWire(recipe).isEmpty()) {
            List<String> known = Arrays.stream(Recipe.values()).map(Recipe::wireName).toList();
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError("recipe", "unknown recipe; known: " + known)));
        }
        List<Problem.FieldError> errors = recipe != null ? Recipe.fromWire(recipe).orElseThrow().baseModelProblems(baseModel)
                : baseModel != null && BaseModel.Reference.parse(baseModel).isEmpty()
                        ? List.of(new Problem.FieldError(Recipe.BASE_MODEL_FIELD, BaseModel.Reference.RULE))
                        : List.of();
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", errors);
        }
    }

    /**
     * A dataset whose upload is not completed, or that validation rejected, cannot be trained on:
     * 422 on {@code datasetId}, with the dataset's problems one per error so that the user can fix the file.
     * Any other status (validated, or still validating: the scheduler waits for it) may go on.
     */
    static void checkTrainable(JsonNode dataset) {
        String name = dataset.path("name").asText();
        switch (dataset.path("status").asText()) {
            case "awaiting_upload" -> throw unprocessable("Dataset " + name + " has no data yet: complete the upload first",
                    List.of(new Problem.FieldError(DATASET_ID, "the dataset's upload is not completed; complete the upload first")));
            case "rejected" -> {
                List<Problem.FieldError> errors = new ArrayList<>();
                errors.add(new Problem.FieldError(DATASET_ID,
                        "the dataset was rejected by validation; fix the file and upload it as a new dataset"));
                List<String> problems = new ArrayList<>();
                dataset.path("problems").forEach(p -> problems.add(describe(p)));
                problems.forEach(p -> errors.add(new Problem.FieldError(DATASET_ID, p)));
                String detail = "Dataset " + name + " was rejected by validation"
                        + (problems.isEmpty() ? "" : ": " + String.join("; ", problems));
                throw unprocessable(detail, errors);
            }
            default -> {
            }
        }
    }

    /** A validation problem as the user reads it: {@code line 12, column amount: not a number}. */
    private static String describe(JsonNode problem) {
        List<String> where = new ArrayList<>();
        if (problem.hasNonNull("line")) {
            where.add("line " + problem.get("line").asLong());
        }
        if (problem.hasNonNull("column")) {
            where.add("column " + problem.get("column").asText());
        }
        String message = problem.path("message").asText();
        return where.isEmpty() ? message : String.join(", ", where) + ": " + message;
    }

    private static ProblemException unprocessable(String detail, List<Problem.FieldError> errors) {
        return new ProblemException(Problem.UNPROCESSABLE_CONTENT, detail, errors);
    }
}
