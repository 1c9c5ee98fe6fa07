package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.rest.SubmitPredictionRequest;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** scheduler-service's internal API for prediction jobs: submitting one, handing out its result. */
@RegisterRestClient(configKey = Downstream.SCHEDULER_SERVICE)
public interface PredictionClient {

    @POST
    @Path("/models/{model}/predictions")
    JsonNode submit(@HeaderParam(Downstream.OWNER) String owner,
            @HeaderParam(Downstream.IDEMPOTENCY_KEY) String idempotencyKey, @PathParam("model") String model,
            SubmitPredictionRequest request);

    /** {@code {jobId, url, expiresAt}}: a presigned URL of the predictions file. */
    @GET
    @Path("/jobs/{id}/predictions")
    JsonNode result(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.SCHEDULER_SERVICE, response);
    }
}
