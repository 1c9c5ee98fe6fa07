package io.finetune.serving.rest;

import io.finetune.common.problem.ProblemException;
import io.finetune.serving.service.PredictionService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Predictions for the gateway ({@code POST /api/v1/models/{name}/predict}); the caller is named by {@code X-Owner}. */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PredictionResource {

    static final String OWNER_HEADER = "X-Owner";

    private final PredictionService predictions;

    public PredictionResource(PredictionService predictions) {
        this.predictions = predictions;
    }

    @POST
    @Path("/{name}/predict")
    public PredictionService.Answer predict(@HeaderParam(OWNER_HEADER) String owner, @PathParam("name") String name,
            @QueryParam("version") @DefaultValue(PredictionService.LATEST) String version, PredictionRequest request) {
        if (owner == null || owner.isBlank()) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "The " + OWNER_HEADER + " header is required");
        }
        return predictions.predict(owner, name, version, request == null ? null : request.inputs());
    }
}
