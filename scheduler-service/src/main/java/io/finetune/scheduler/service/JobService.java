package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.common.recipes.Recipe;
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
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/** Accepts jobs: checks them, names them uniquely per owner, and puts them in the queue or behind their dataset. */
@ApplicationScoped
public class JobService {

    public static final String DEFAULT_RECIPE = Recipe.TABULAR_CLASSIFICATION.wireName();

    private final Validator validator;
    private final JobTransitions transitions;

    JobService(Validator validator, JobTransitions transitions) {
        this.validator = validator;
        this.transitions = transitions;
    }

    /**
     * Stores the job as {@code queued} when its dataset is validated, or as {@code validating} while
     * this service has not yet heard that it is (the dataset event moves it on).
     *
     * @throws ProblemException 422 for invalid fields or a rejected dataset, 409 for a name the owner already uses
     */
    @Transactional
    public JobView submit(String owner, NewJob request) {
        if (request == null) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError("body", "a job is required")));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        validator.validate(request).forEach(v ->
                errors.add(new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage())));
        String recipeName = request.recipe() == null ? DEFAULT_RECIPE : request.recipe();
        Optional<Recipe> recipe = Recipe.fromWire(recipeName);
        if (recipe.isEmpty()) {
            errors.add(new Problem.FieldError("recipe", "unknown recipe; known: " + knownRecipes()));
        } else {
            errors.addAll(recipe.get().problems(request.hyperparameters()));
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(Problem.FieldError::field));
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", errors);
        }

        Locks.dataset(request.datasetId());
        JobStatus initial = initialStatus(owner, request.datasetId());
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.owner = owner;
        job.name = request.name();
        job.datasetId = request.datasetId();
        job.recipe = recipeName;
        job.epochs = request.epochs();
        job.hyperparameters = recipe.get().withDefaults(request.hyperparameters());
        job.createdAt = Clock.now();
        transitions.enter(job, initial, null);
        insert(job);
        return JobView.of(job);
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
