package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import org.jboss.resteasy.reactive.client.SseEvent;

/** progress-service's internal API: the queryable views of jobs, and their change streams. */
@Path("/jobs")
@RegisterRestClient(configKey = Downstream.PROGRESS_SERVICE)
public interface ProgressClient {

    /** @param name only the job of exactly this name (null: every job); the gateway filters too, see JobService */
    @GET
    JsonNode list(@HeaderParam(Downstream.OWNER) String owner, @QueryParam("nameExact") String name);

    @GET
    @Path("/{id}")
    JsonNode get(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    Multi<SseEvent<String>> stream(@HeaderParam(Downstream.OWNER) String owner);

    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    Multi<SseEvent<String>> stream(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.PROGRESS_SERVICE, response);
    }
}
