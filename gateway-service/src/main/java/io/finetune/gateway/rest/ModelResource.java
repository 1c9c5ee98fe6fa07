package io.finetune.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.service.JobService;
import io.finetune.gateway.service.ModelService;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The user's models and their versions (progress-service's models view), predictions
 * (serving-service) and prediction jobs (scheduler-service). Names and versions are checked here before any call: one that no model can
 * have is a 404 without asking anyone, and nothing but a plain name segment reaches an owning service.
 */
@Path("/api/v1/models")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "models")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
@APIResponse(responseCode = "429", description = "Too many requests of this user, or the platform is busy; see Retry-After")
@APIResponse(responseCode = "503", description = "An owning service is unavailable, or the version is still loading; see Retry-After")
public class ModelResource {

    /** Serving answers at most this many inputs per call (docs/models.md). */
    static final int MAX_INPUTS = 64;
    static final String LATEST = "latest";
    /** A version number (1..2^31-1) or {@code latest}. */
    private static final Pattern VERSION = Pattern.compile("latest|[1-9][0-9]{0,9}");

    private final ModelService models;
    private final JobService jobs;
    private final CurrentUser user;

    public ModelResource(ModelService models, JobService jobs, CurrentUser user) {
        this.models = models;
        this.jobs = jobs;
        this.user = user;
    }

    @GET
    @Operation(summary = "The user's models by name: latest version, its validation accuracy, registration time, "
            + "and whether it is stale or its accuracy dropped")
    public JsonNode list() {
        return models.list(user.id());
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One model with all its versions, oldest first (accuracy over time)")
    @APIResponse(responseCode = "404", description = "No such model of this user")
    public JsonNode get(@PathParam("name") String name) {
        return models.get(user.id(), known(name));
    }

    @GET
    @Path("/{name}/versions/{version}")
    @Operation(summary = "One version (a number or latest) with its model card: recipe, hyperparameters, metrics, "
            + "per-class figures, input schema, artifact")
    @APIResponse(responseCode = "404", description = "No such model or version of this user")
    public JsonNode version(@PathParam("name") String name, @PathParam("version") String version) {
        if (!versionValid(version)) {
            throw ProblemException.notFound("model version");
        }
        return models.version(user.id(), known(name), version);
    }

    @POST
    @Path("/{name}/predict")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Predict with a version of the model (default: latest)",
            description = "Body {\"inputs\": [{field: value, ...}]} with 1 to 64 inputs, the fields of the version's "
                    + "card.schema.inputs. Answers {model, version, predictions: [{label, probabilities}]}.")
    @APIResponse(responseCode = "200", description = "One prediction per input, in order, and the version that answered")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "404", description = "No such model or version of this user")
    @APIResponse(responseCode = "422", description = "Invalid inputs: one error per bad field, named inputs[i].<field>")
    public JsonNode predict(@PathParam("name") String name, @QueryParam("version") String version,
            @NotNull(message = "a JSON body such as {\"inputs\": [{...}]} is required") JsonNode body) {
        String model = known(name);
        if (version != null && !versionValid(version)) {
            throw invalid("version", "must be a version number or " + LATEST);
        }
        checkInputs(body);
        return models.predict(user.id(), model, version, body);
    }

    @POST
    @Path("/{name}/predictions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Predict every row of a dataset with a version of the model (default: latest), as a job",
            description = "Creates a job of kind prediction: queued with the other jobs on the cpu lane, listed in "
                    + "/api/v1/jobs; when it has succeeded, GET /api/v1/jobs/{id}/predictions gives the file's URL. "
                    + "The dataset needs a column for each input of the version's card.schema.inputs.")
    @APIResponse(responseCode = "201", description = "The job, queued or waiting for its dataset's validation")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "404", description = "No such model, version or dataset of this user")
    @APIResponse(responseCode = "409", description = "The user already has a job of this name")
    @APIResponse(responseCode = "422", description = "Invalid fields, or a dataset that cannot be predicted: rejected, "
            + "not uploaded, or without a column the model reads (named)")
    public Response submitPrediction(@PathParam("name") String name,
            @HeaderParam(Downstream.IDEMPOTENCY_KEY) String idempotencyKey,
            @Valid @NotNull(message = "a JSON body such as {\"datasetId\": \"...\"} is required")
            SubmitPredictionRequest body, @Context UriInfo uri) {
        JobResource.checkIdempotencyKey(idempotencyKey);
        JsonNode job = jobs.submitPrediction(user.id(), idempotencyKey, known(name), body);
        return Response.created(uri.getBaseUriBuilder().path("api/v1/jobs").path(job.path("id").asText()).build())
                .entity(job)
                .build();
    }

    private static String known(String name) {
        if (!Names.valid(name)) {
            throw ProblemException.notFound("model");
        }
        return name;
    }

    static boolean versionValid(String version) {
        return VERSION.matcher(version).matches() && (version.equals(LATEST) || Long.parseLong(version) <= Integer.MAX_VALUE);
    }

    /** The shape at the edge; each field's value is checked by serving-service against the version's schema. */
    static void checkInputs(JsonNode body) {
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty() || inputs.size() > MAX_INPUTS) {
            throw invalid("inputs", "must be a list of 1 to " + MAX_INPUTS + " inputs");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).isObject()) {
                throw invalid("inputs[" + i + "]", "must be an object of field names and values");
            }
        }
    }

    private static ProblemException invalid(String field, String message) {
        return new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                List.of(new Problem.FieldError(field, message)));
    }
}
