package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
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
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.client.SseEvent;

/** progress-service's internal API: the queryable views of jobs and models, and the jobs' change streams. */
@Path("/")
@RegisterRestClient(configKey = Downstream.PROGRESS_SERVICE)
public interface ProgressClient {

    /** The header of a job page that names the next one; absent on the last page. */
    String NEXT_CURSOR = "X-Next-Cursor";

    /**
     * One page of the owner's jobs, newest first; the next page's cursor is in {@link #NEXT_CURSOR}.
     *
     * @param name only the job of exactly this name (null: every job); the gateway filters too, see JobService
     * @param limit the page size (null: progress-service's default, 100)
     * @param cursor the previous page's {@link #NEXT_CURSOR} (null: the first page)
     */
    @GET
    @Path("/jobs")
    RestResponse<JsonNode> list(@HeaderParam(Downstream.OWNER) String owner, @QueryParam("nameExact") String name,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor);

    @GET
    @Path("/jobs/{id}")
    JsonNode get(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    /**
     * The job's history, oldest first: the scheduler's transitions ({@code job.*}, with status and reason) and the
     * trainers' lifecycle reports ({@code training.*}, with attempt, worker, errorKind, message), each as
     * {@code {eventId, type, time, status, reason, attempt, worker, errorKind, message}}; 404 for another owner's job.
     */
    @GET
    @Path("/jobs/{id}/events")
    JsonNode events(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @GET
    @Path("/jobs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    Multi<SseEvent<String>> stream(@HeaderParam(Downstream.OWNER) String owner);

    @GET
    @Path("/jobs/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    Multi<SseEvent<String>> stream(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    /** The owner's models with their latest version, ordered by name (docs/models.md). */
    @GET
    @Path("/models")
    JsonNode models(@HeaderParam(Downstream.OWNER) String owner);

    /** One model with every version, ascending. */
    @GET
    @Path("/models/{name}")
    JsonNode model(@HeaderParam(Downstream.OWNER) String owner, @PathParam("name") String name);

    /** @param version a version number or {@code latest}; answers the whole version with its model card */
    @GET
    @Path("/models/{name}/versions/{version}")
    JsonNode modelVersion(@HeaderParam(Downstream.OWNER) String owner, @PathParam("name") String name,
            @PathParam("version") String version);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.PROGRESS_SERVICE, response);
    }
}
