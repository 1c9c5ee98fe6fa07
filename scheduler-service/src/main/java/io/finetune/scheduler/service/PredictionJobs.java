package io.finetune.scheduler.service;

import io.finetune.common.events.JobKind;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.ModelCard;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.scheduler.config.PredictionConfig;
import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Locks;
import io.finetune.scheduler.entity.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Prediction jobs: a job of kind {@code prediction} predicts every row of a dataset with one version of
 * one of the owner's models. It shares names, the queue, the lifecycle and the trainers with training
 * jobs, in a lane of its own ({@code scheduler.predictions.lane}, CPU workers). The dataset must have a
 * column for each input of the model's schema: checked here when the dataset is known, else when its
 * {@code dataset.validated} event arrives ({@link DatasetEventService}); the trainer checks each cell.
 */
@ApplicationScoped
public class PredictionJobs {

    private final Validator validator;
    private final JobTransitions transitions;
    private final SchedulerConfig config;
    private final PredictionConfig predictions;
    private final Clock clock;

    PredictionJobs(Validator validator, JobTransitions transitions, SchedulerConfig config,
            PredictionConfig predictions, Clock clock) {
        this.validator = validator;
        this.transitions = transitions;
        this.config = config;
        this.predictions = predictions;
        this.clock = clock;
    }

    /**
     * Stores the job, queued (its dataset validated and fitting the model) or validating (the dataset is
     * not known here yet). With an Idempotency-Key the owner already used, answers that earlier job.
     *
     * @throws ProblemException 404 for a model or version the owner does not have; 422 for invalid fields,
     *         a dataset that is rejected, another owner's, or lacks a column the model needs (named);
     *         409 for a name the owner already uses; 429 beyond the owner's queued quota
     */
    @Transactional
    public JobService.Submitted submit(String owner, String model, NewPredictionJob request, String idempotencyKey) {
        if (request == null) {
            throw invalid(List.of(new Problem.FieldError("body", "a prediction job is required")));
        }
        if (idempotencyKey != null) {
            Locks.idempotencyKey(owner, idempotencyKey);
            Optional<Job> earlier = Job.byIdempotencyKey(owner, idempotencyKey);
            if (earlier.isPresent()) {
                if (!earlier.get().isPrediction() || !earlier.get().datasetId.equals(request.datasetId())) {
                    throw invalid(List.of(new Problem.FieldError("Idempotency-Key", "already used for job '"
                            + earlier.get().name + "'")));
                }
                return new JobService.Submitted(JobView.of(earlier.get()), false);
            }
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        validator.validate(request).forEach(v ->
                errors.add(new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage())));
        Optional<PriorityClass> priority = request.priorityClass() == null ? Optional.of(PriorityClass.PRODUCTION)
                : PriorityClass.fromWire(request.priorityClass());
        if (priority.isEmpty()) {
            errors.add(new Problem.FieldError("priorityClass", "must be one of interactive, production, batch"));
        }
        SchedulerConfig.Lane lane = config.lanes().get(predictions.lane());
        if (lane == null || lane.slots() < 1) {
            errors.add(new Problem.FieldError("datasetId", "this platform has no workers for prediction jobs"));
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(Problem.FieldError::field));
            throw invalid(errors);
        }
        ModelVersion version = (request.version() == null ? ModelVersion.latest(owner, model)
                : ModelVersion.<ModelVersion>find("owner = ?1 and model = ?2 and version = ?3", owner, model,
                        request.version()).firstResultOptional())
                .orElseThrow(() -> new ProblemException(Response.Status.NOT_FOUND, request.version() == null
                        ? "You have no model named '" + model + "'"
                        : "Model '" + model + "' has no version " + request.version()));

        Locks.owner(owner);
        int quota = config.policy().maxQueuedPerUser();
        if (Job.countWaiting(owner) >= quota) {
            throw new ProblemException(Response.Status.TOO_MANY_REQUESTS, "You already have " + quota
                    + " jobs waiting; submit more when some have started",
                    List.of(new Problem.FieldError("name", "over the quota of " + quota + " waiting jobs")));
        }
        Locks.dataset(request.datasetId());
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.owner = owner;
        job.name = request.name() != null ? request.name()
                : model + "-predictions-" + job.id.toString().substring(0, 8);
        job.kind = JobKind.PREDICTION;
        job.model = model;
        job.modelVersion = version.version;
        job.modelUri = version.artifactUri;
        job.datasetId = request.datasetId();
        job.recipe = version.recipe;
        job.epochs = 0;
        job.hyperparameters = Map.of();
        job.lane = predictions.lane();
        job.priorityClass = priority.get().wireName();
        job.idempotencyKey = idempotencyKey;
        job.createdAt = clock.now();
        transitions.enter(job, initialStatus(job), null);
        try {
            job.persistAndFlush();
        } catch (ConstraintViolationException e) {
            if (Job.OWNER_NAME_CONSTRAINT.equals(e.getConstraintName())) {
                throw new ProblemException(Response.Status.CONFLICT, "You already have a job named '" + job.name + "'",
                        List.of(new Problem.FieldError("name", "already used by another of your jobs")));
            }
            throw e;
        }
        return new JobService.Submitted(JobView.of(job), true);
    }

    /**
     * Why the prediction job cannot read its dataset: the model's inputs the dataset has no column for,
     * named; null when it has them all (or when either side is not known: the trainer checks again).
     */
    static String missingInputs(Job job, Dataset dataset) {
        if (!job.isPrediction() || dataset.columns == null) {
            return null;
        }
        ModelCard.ModelSchema schema = ModelVersion.<ModelVersion>find("owner = ?1 and model = ?2 and version = ?3",
                job.owner, job.model, job.modelVersion).firstResultOptional()
                .map(v -> v.card == null ? null : v.card.schema()).orElse(null);
        if (schema == null || schema.inputs() == null) {
            return null;
        }
        List<String> inputs = schema.inputs().stream().map(ModelCard.Field::name).toList();
        List<String> missing = inputs.stream().filter(name -> !dataset.columns.contains(name)).toList();
        if (missing.isEmpty()) {
            return null;
        }
        return "the dataset has no column " + quoted(missing) + ": model " + job.model + " version "
                + job.modelVersion + " reads " + quoted(inputs) + " (the dataset's columns: "
                + quoted(dataset.columns) + "); add " + (missing.size() == 1 ? "it" : "them") + " and upload again";
    }

    private static JobStatus initialStatus(Job job) {
        Dataset dataset = Dataset.findById(job.datasetId);
        if (dataset == null) {
            return JobStatus.VALIDATING;
        }
        if (!dataset.owner.equals(job.owner)) {
            throw datasetProblem("no dataset with this id");
        }
        if (!dataset.isValidated()) {
            throw datasetProblem("the dataset was rejected by validation; upload a corrected one");
        }
        String missing = missingInputs(job, dataset);
        if (missing != null) {
            throw datasetProblem(missing);
        }
        return JobStatus.QUEUED;
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    private static ProblemException datasetProblem(String message) {
        return new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The dataset cannot be predicted: " + message,
                List.of(new Problem.FieldError("datasetId", message)));
    }

    private static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", errors);
    }
}
