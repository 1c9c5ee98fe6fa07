package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** scheduler-service's reading of the base-model registry: the platform's, the same for every user, so no owner. */
@Path("/base-models")
@RegisterRestClient(configKey = Downstream.SCHEDULER_SERVICE)
public interface BaseModelClient {

    @GET
    JsonNode list();

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.SCHEDULER_SERVICE, response);
    }
}
