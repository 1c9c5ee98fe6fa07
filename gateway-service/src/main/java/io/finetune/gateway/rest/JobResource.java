package io.finetune.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.client.ProgressClient;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.service.ETags;
import io.finetune.gateway.service.JobService;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.client.SseEvent;

/** The user's fine-tuning jobs: submitted to and cancelled by scheduler-service, read from progress-service. */
@Path("/api/v1/jobs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
@APIResponse(responseCode = "429", description = "Too many requests of this user, or the platform is busy; see Retry-After")
@APIResponse(responseCode = "503", description = "An owning service is unavailable; see Retry-After")
public class JobResource {

    /** Printable ASCII, as clients make them (UUIDs, ULIDs, hashes); stored by the scheduler. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    /** Revalidate each time: the list changes with every epoch, but a 304 costs the client nothing. */
    private static final CacheControl REVALIDATE = CacheControl.valueOf("private, no-cache");

    private final JobService jobs;
    private final CurrentUser user;
    private final ObjectMapper json;

    public JobResource(JobService jobs, CurrentUser user, ObjectMapper json) {
        this.jobs = jobs;
        this.user = user;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a named fine-tuning job on a dataset",
            description = "With an Idempotency-Key header, a retried request gets the job the first one made.")
    @APIResponse(responseCode = "201", description = "The job, queued or waiting for its dataset's validation")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    @APIResponse(responseCode = "409", description = "The user already has a job of this name")
    @APIResponse(responseCode = "422", description = "Invalid fields (baseModel: malformed, for a recipe that takes none, "
            + "not registered, or registered for another recipe), or a dataset that cannot be trained on (rejected, upload "
            + "not completed, uploaded for predictions)")
    public Response submit(@HeaderParam(Downstream.IDEMPOTENCY_KEY) String idempotencyKey,
            @Valid @NotNull(message = "a JSON body is required") SubmitJobRequest body, @Context UriInfo uri) {
        checkIdempotencyKey(idempotencyKey);
        JsonNode job = jobs.submit(user.id(), idempotencyKey, body);
        return Response.created(uri.getAbsolutePathBuilder().path(job.path("id").asText()).build())
                .entity(job)
                .build();
    }

    static void checkIdempotencyKey(String idempotencyKey) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError(Downstream.IDEMPOTENCY_KEY, "must be 1 to 255 printable ASCII characters")));
        }
    }

    @GET
    @Operation(summary = "The user's jobs, newest first: status, times, epoch k of N, latest metrics",
            description = "A page of at most limit jobs (default 100); the next page's cursor is in the X-Next-Cursor "
                    + "header, absent on the last page: pass it as cursor. With name, only the job of that name (an empty "
                    + "list when there is none). Answers an ETag; If-None-Match with it gives 304 while the page is unchanged.")
    @APIResponse(responseCode = "200", description = "The jobs")
    @APIResponse(responseCode = "304", description = "Unchanged since the ETag in If-None-Match")
    @APIResponse(responseCode = "400", description = "A cursor progress-service did not make")
    @APIResponse(responseCode = "422", description = "limit outside 1..500")
    public Response list(@QueryParam("name") String name,
            @QueryParam("limit") @Min(value = 1, message = "must be between 1 and 500")
            @Max(value = 500, message = "must be between 1 and 500") Integer limit,
            @QueryParam("cursor") String cursor, @Context Request request) {
        JobService.JobPage page = jobs.list(user.id(), name, limit, cursor);
        byte[] body;
        try {
            body = json.writeValueAsBytes(page.jobs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The next cursor follows from the page's last job, so the body's tag covers it too.
        EntityTag tag = ETags.of(body);
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        Response.ResponseBuilder answer = unchanged != null ? unchanged
                : Response.ok(body, MediaType.APPLICATION_JSON_TYPE).tag(tag);
        if (page.nextCursor() != null) {
            answer.header(ProgressClient.NEXT_CURSOR, page.nextCursor());
        }
        return answer.cacheControl(REVALIDATE).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One job with its epoch history")
    @APIResponse(responseCode = "404", description = "No such job of this user")
    public JsonNode get(@PathParam("id") UUID id) {
        return jobs.get(user.id(), id);
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "One job's history, oldest first: every scheduler transition and trainer report",
            description = "Each entry is {eventId, type, time, status, reason, attempt, worker, errorKind, message}: "
                    + "job.* transitions (queued, dispatched, running, succeeded, failed, ...) carry status and reason; "
                    + "training.* reports (started, succeeded, failed, cancelled, preempted) carry attempt, worker, "
                    + "errorKind and message where known. Fields not known are null.")
    @APIResponse(responseCode = "200", description = "The job's events")
    @APIResponse(responseCode = "404", description = "No such job of this user")
    public JsonNode events(@PathParam("id") UUID id) {
        return jobs.events(user.id(), id);
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a job: a queued job leaves the queue, a running one is stopped by its trainer")
    @APIResponse(responseCode = "200", description = "The job, being cancelled")
    @APIResponse(responseCode = "202", description = "The cancellation is on its way to the trainer")
    @APIResponse(responseCode = "404", description = "No such job of this user")
    @APIResponse(responseCode = "409", description = "The job has already finished")
    public Response cancel(@PathParam("id") UUID id) {
        RestResponse<JsonNode> answer = jobs.cancel(user.id(), id);
        return Response.status(answer.getStatus()).entity(answer.getEntity()).build();
    }

    @GET
    @Path("/{id}/predictions")
    @Operation(summary = "Where to download a prediction job's predictions: a presigned URL, valid a short while",
            description = "Answers {jobId, url, expiresAt}; GET the url (no credentials) before expiresAt for the CSV "
                    + "file: the dataset's columns, predicted_label and p_<class> per class, one line per row.")
    @APIResponse(responseCode = "200", description = "The URL and when it expires")
    @APIResponse(responseCode = "404", description = "No such prediction job of this user")
    @APIResponse(responseCode = "409", description = "The job has not succeeded (yet)")
    public JsonNode predictions(@PathParam("id") UUID id) {
        return jobs.predictions(user.id(), id);
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events whenever one of the user's jobs changes (progress-service's stream, passed through)")
    public Multi<OutboundSseEvent> stream(@Context Sse sse) {
        return passThrough(jobs.stream(user.id(), null), sse);
    }

    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events whenever this job changes")
    @APIResponse(responseCode = "404", description = "No such job of this user")
    @Blocking
    public Multi<OutboundSseEvent> stream(@PathParam("id") UUID id, @Context Sse sse) {
        return passThrough(jobs.stream(user.id(), id), sse);
    }

    /** Each event goes on with its id, name and data unchanged. */
    private static Multi<OutboundSseEvent> passThrough(Multi<SseEvent<String>> events, Sse sse) {
        return events.map(e -> {
            OutboundSseEvent.Builder out = sse.newEventBuilder().data(e.data() == null ? "" : e.data());
            if (e.id() != null) {
                out.id(e.id());
            }
            if (e.name() != null) {
                out.name(e.name());
            }
            return out.build();
        });
    }
}
