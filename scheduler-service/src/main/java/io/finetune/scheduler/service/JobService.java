package io.finetune.scheduler.service;

import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.events.JobStatus;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.common.recipes.Recipe;
import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Locks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/** Accepts jobs: checks them, names them uniquely per owner, and puts them in the queue or behind their dataset. */
@ApplicationScoped
public class JobService {

    public static final String DEFAULT_RECIPE = Recipe.TABULAR_CLASSIFICATION.wireName();

    /** The longest Idempotency-Key accepted. */
    public static final int MAX_IDEMPOTENCY_KEY = 200;

    private final Validator validator;
    private final JobTransitions transitions;
    private final SchedulerConfig config;
    private final Clock clock;
    private final ResultReuse reuse;
    private final BaseModelRegistry baseModels;

    JobService(Validator validator, JobTransitions transitions, SchedulerConfig config, Clock clock,
            ResultReuse reuse, BaseModelRegistry baseModels) {
        this.validator = validator;
        this.transitions = transitions;
        this.config = config;
        this.clock = clock;
        this.reuse = reuse;
        this.baseModels = baseModels;
    }

    /** The outcome of a submission: the job, and whether this call created it (false: an earlier one with the same key did). */
    public record Submitted(JobView job, boolean created) {
    }

    /** A submission without an Idempotency-Key. */
    @Transactional
    public JobView submit(String owner, NewJob request) {
        return submit(owner, request, null).job();
    }

    /**
     * Stores the job as {@code queued} when its dataset is validated, or as {@code validating} while
     * this service has not yet heard that it is (the dataset event moves it on). With an
     * Idempotency-Key the owner already used, answers that earlier job instead.
     *
     * A base model named without a version is pinned to its newest registered version here, so
     * every attempt, and a retrain's comparison with this job, means the same weights.
     *
     * @throws ProblemException 422 for invalid fields, a base model that is not registered or of another
     *         recipe, a rejected or prediction dataset or a key reused for another job, 409 for a name the
     *         owner already uses, 429 beyond the owner's queued quota, 503 when the base-model registry
     *         cannot be read
     */
    @Transactional
    public Submitted submit(String owner, NewJob request, String idempotencyKey) {
        if (idempotencyKey != null) {
            Optional<Job> earlier = earlierSubmission(owner, idempotencyKey, request);
            if (earlier.isPresent()) {
                return new Submitted(JobView.of(earlier.get()), false);
            }
        }
        if (request == null) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError("body", "a job is required")));
        }
        List<Problem.FieldError> errors = problems(request);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", errors);
        }
        String recipeName = request.recipe() == null ? DEFAULT_RECIPE : request.recipe();
        Recipe recipe = Recipe.fromWire(recipeName).orElseThrow();
        String baseModel = request.baseModel() == null ? null
                : baseModels.pin(BaseModel.Reference.parse(request.baseModel()).orElseThrow(), recipeName).reference();
        Profile profile = request.profile() == null ? Profile.DEFAULT : Profile.fromWire(request.profile()).orElseThrow();
        PriorityClass priority = request.priorityClass() == null ? profile.defaultPriority()
                : PriorityClass.fromWire(request.priorityClass()).orElseThrow();

        checkQueuedQuota(owner);
        Locks.dataset(request.datasetId());
        JobStatus initial = initialStatus(owner, request.datasetId());
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.owner = owner;
        job.name = request.name();
        job.model = request.model() == null ? request.name() : request.model();
        job.datasetId = request.datasetId();
        job.recipe = recipeName;
        job.epochs = request.epochs();
        job.hyperparameters = recipe.withDefaults(request.hyperparameters());
        job.lane = profile.lane();
        job.priorityClass = priority.wireName();
        job.idempotencyKey = idempotencyKey;
        job.fresh = Boolean.TRUE.equals(request.fresh());
        job.baseModel = baseModel;
        job.createdAt = clock.now();
        transitions.enter(job, initial, null);
        insert(job);
        reuse.answerIfTrained(job);
        return new Submitted(JobView.of(job), true);
    }

    /**
     * Every field error of the request at once, sorted by field (empty when it may be submitted):
     * the fields' rules, the recipe and its hyperparameters, the base model's form and whether the recipe
     * takes one, the profile's lane and the priority class. The dataset and the base-model registry are not
     * looked at. Recurring schedules check their job template with it too.
     */
    public List<Problem.FieldError> problems(NewJob request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        validator.validate(request).forEach(v ->
                errors.add(new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage())));
        String recipeName = request.recipe() == null ? DEFAULT_RECIPE : request.recipe();
        Optional<Recipe> recipe = Recipe.fromWire(recipeName);
        if (recipe.isEmpty()) {
            errors.add(new Problem.FieldError("recipe", "unknown recipe; known: " + knownRecipes()));
        } else {
            errors.addAll(recipe.get().problems(request.hyperparameters()));
            errors.addAll(recipe.get().baseModelProblems(request.baseModel()));
        }
        Optional<Profile> profile = request.profile() == null ? Optional.of(Profile.DEFAULT)
                : Profile.fromWire(request.profile());
        if (profile.isEmpty()) {
            errors.add(new Problem.FieldError("profile", "must be one of " + wireNames(Profile.values())));
        } else if (!hasSlots(profile.get().lane())) {
            errors.add(new Problem.FieldError("profile", "this platform has no trainers for '"
                    + profile.get().wireName() + "' jobs"));
        }
        Optional<PriorityClass> priority = request.priorityClass() == null ? profile.map(Profile::defaultPriority)
                : PriorityClass.fromWire(request.priorityClass());
        if (request.priorityClass() != null && priority.isEmpty()) {
            errors.add(new Problem.FieldError("priorityClass", "must be one of " + wireNames(PriorityClass.values())));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field));
        return errors;
    }

    /**
     * The job an earlier submission with the same key created. The lock orders concurrent
     * submissions with one key, so the second sees the first's job instead of making its own.
     */
    private static Optional<Job> earlierSubmission(String owner, String key, NewJob request) {
        if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The Idempotency-Key header is invalid",
                    List.of(new Problem.FieldError("Idempotency-Key", "must be 1.." + MAX_IDEMPOTENCY_KEY
                            + " characters")));
        }
        Locks.idempotencyKey(owner, key);
        Optional<Job> earlier = Job.byIdempotencyKey(owner, key);
        if (earlier.isPresent() && request != null
                && !(earlier.get().name.equals(request.name()) && earlier.get().datasetId.equals(request.datasetId()))) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT,
                    "This Idempotency-Key was used for another job; use a new key for a new job",
                    List.of(new Problem.FieldError("Idempotency-Key", "already used for job '" + earlier.get().name
                            + "'")));
        }
        return earlier;
    }

    /** Refuses a submission beyond the owner's queued quota: 429 rather than holding it, so the client learns at once. */
    private void checkQueuedQuota(String owner) {
        Locks.owner(owner);
        int limit = config.policy().maxQueuedPerUser();
        if (Job.countWaiting(owner) >= limit) {
            throw new ProblemException(Response.Status.TOO_MANY_REQUESTS, "You already have " + limit
                    + " jobs waiting; submit more when some have started",
                    List.of(new Problem.FieldError("name", "over the quota of " + limit + " waiting jobs")));
        }
    }

    private boolean hasSlots(String lane) {
        SchedulerConfig.Lane configured = config.lanes().get(lane);
        return configured != null && configured.slots() > 0;
    }

    private static String wireNames(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList().toString();
    }

    private static JobStatus initialStatus(String owner, UUID datasetId) {
        Dataset dataset = Dataset.findById(datasetId);
        if (dataset == null) {
            return JobStatus.VALIDATING;
        }
        if (!dataset.owner.equals(owner)) {
            // another user's dataset is as good as absent: say nothing about it
            throw datasetProblem("no dataset with this id");
        }
        if (!dataset.isValidated()) {
            throw datasetProblem("the dataset was rejected by validation; upload a corrected one");
        }
        if (dataset.isForPrediction()) {
            throw datasetProblem(Dataset.NOT_FOR_TRAINING);
        }
        return JobStatus.QUEUED;
    }

    private static ProblemException datasetProblem(String message) {
        return new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The dataset cannot be used for training",
                List.of(new Problem.FieldError("datasetId", message)));
    }

    /** Lets the unique constraint decide a duplicate name, so two concurrent submissions cannot both win. */
    private static void insert(Job job) {
        try {
            job.persistAndFlush();
        } catch (ConstraintViolationException e) {
            if (Job.OWNER_NAME_CONSTRAINT.equals(e.getConstraintName())) {
                throw new ProblemException(Response.Status.CONFLICT, "You already have a job named '" + job.name + "'",
                        List.of(new Problem.FieldError("name", "already used by another of your jobs")));
            }
            throw e;
        }
    }

    private static List<String> knownRecipes() {
        return Arrays.stream(Recipe.values()).map(Recipe::wireName).toList();
    }
}
