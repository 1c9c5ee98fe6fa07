package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.rest.SubmitJobRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import org.jboss.resteasy.reactive.RestResponse;

/** scheduler-service's internal API: the commands on jobs. */
@Path("/jobs")
@RegisterRestClient(configKey = Downstream.SCHEDULER_SERVICE)
public interface SchedulerClient {

    /** @param idempotencyKey the client's key, so that a retried submission yields the same job (null: none) */
    @POST
    JsonNode submit(@HeaderParam(Downstream.OWNER) String owner,
            @HeaderParam(Downstream.IDEMPOTENCY_KEY) String idempotencyKey, SubmitJobRequest request);

    /** The scheduler's answer as is (200 with the job, or 202 / 204), passed on with its status. */
    @POST
    @Path("/{id}/cancel")
    RestResponse<JsonNode> cancel(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.SCHEDULER_SERVICE, response);
    }
}
