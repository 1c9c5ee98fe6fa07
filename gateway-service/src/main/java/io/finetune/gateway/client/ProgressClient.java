package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;

/** progress-service's internal API: the queryable views of jobs. */
@Path("/jobs")
@RegisterRestClient(configKey = Downstream.PROGRESS_SERVICE)
public interface ProgressClient {

    @GET
    JsonNode list(@HeaderParam(Downstream.OWNER) String owner);

    @GET
    @Path("/{id}")
    JsonNode get(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.PROGRESS_SERVICE, response);
    }
}
