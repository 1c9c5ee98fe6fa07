package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** scheduler-service's internal API for recurring training schedules; bodies pass through as JSON. */
@Path("/schedules")
@RegisterRestClient(configKey = Downstream.SCHEDULER_SERVICE)
public interface ScheduleClient {

    @POST
    JsonNode create(@HeaderParam(Downstream.OWNER) String owner, JsonNode schedule);

    @GET
    JsonNode list(@HeaderParam(Downstream.OWNER) String owner);

    @GET
    @Path("/{id}")
    JsonNode get(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @PUT
    @Path("/{id}")
    JsonNode replace(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id, JsonNode schedule);

    @DELETE
    @Path("/{id}")
    void delete(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.SCHEDULER_SERVICE, response);
    }
}
