package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** serving-service's internal API: predictions of a model's versions (docs/models.md). */
@Path("/models")
@RegisterRestClient(configKey = Downstream.SERVING_SERVICE)
public interface ServingClient {

    /**
     * @param version a version number or {@code latest}
     * @param request {@code {"inputs": [{field: value, ...}, ...]}}, checked field by field by serving-service
     */
    @POST
    @Path("/{name}/predict")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonNode predict(@HeaderParam(Downstream.OWNER) String owner, @PathParam("name") String name,
            @QueryParam("version") String version, JsonNode request);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.SERVING_SERVICE, response);
    }
}
