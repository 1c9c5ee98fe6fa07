package io.finetune.serving.service;

import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.recipes.InvalidInputException;
import io.finetune.recipes.Prediction;
import io.finetune.serving.config.ServingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/** Answers a prediction request with the version the request resolves to, and says which one it was. */
@ApplicationScoped
public class PredictionService {

    public static final String LATEST = "latest";

    /** @param version the version that answered */
    public record Answer(String model, int version, List<Prediction> predictions) {
    }

    private final ModelServer server;
    private final ServingConfig config;

    public PredictionService(ModelServer server, ServingConfig config) {
        this.server = server;
        this.config = config;
    }

    /**
     * @param version a version number or {@code latest}; null means {@code latest}
     * @throws ProblemException 404 unknown model or version, 422 inputs that do not fit the model
     * @throws ModelNotReadyException while the version is loading
     */
    public Answer predict(String owner, String model, String version, List<Map<String, Object>> inputs) {
        checkCount(inputs);
        LoadedModel loaded = server.acquire(owner, model, versionNumber(model, version));
        try {
            return new Answer(model, loaded.version().version(), loaded.model().predict(inputs));
        } catch (InvalidInputException e) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The inputs do not fit the model's schema",
                    e.problems().stream().map(p -> new Problem.FieldError(p.field(), p.message())).toList());
        } finally {
            loaded.release();
        }
    }

    private void checkCount(List<Map<String, Object>> inputs) {
        if (inputs == null || inputs.isEmpty() || inputs.size() > config.maxInputs()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError("inputs", "must hold 1 to " + config.maxInputs() + " inputs")));
        }
    }

    /** null for latest; a value that is neither names no version (404, like an unknown number). */
    private static Integer versionNumber(String model, String version) {
        if (version == null || version.isBlank() || LATEST.equals(version)) {
            return null;
        }
        try {
            return Integer.valueOf(version);
        } catch (NumberFormatException e) {
            throw ProblemException.notFound("Version " + version + " of model " + model);
        }
    }
}
