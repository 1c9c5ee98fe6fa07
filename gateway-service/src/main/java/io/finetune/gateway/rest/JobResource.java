package io.finetune.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.service.JobService;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The user's fine-tuning jobs: submitted to scheduler-service, read from progress-service. */
@Path("/api/v1/jobs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
@APIResponse(responseCode = "503", description = "An owning service is unavailable; see Retry-After")
public class JobResource {

    private final JobService jobs;
    private final CurrentUser user;

    public JobResource(JobService jobs, CurrentUser user) {
        this.jobs = jobs;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a named fine-tuning job on a dataset")
    @APIResponse(responseCode = "201", description = "The job, queued or waiting for its dataset's validation")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    @APIResponse(responseCode = "409", description = "The user already has a job of this name")
    @APIResponse(responseCode = "422", description = "Invalid fields, or a dataset that cannot be trained on (rejected, upload not completed)")
    public Response submit(@Valid @NotNull(message = "a JSON body is required") SubmitJobRequest body, @Context UriInfo uri) {
        JsonNode job = jobs.submit(user.id(), body);
        return Response.created(uri.getAbsolutePathBuilder().path(job.path("id").asText()).build())
                .entity(job)
                .build();
    }

    @GET
    @Operation(summary = "The user's jobs, newest first: status, times, epoch k of N, latest metrics")
    public JsonNode list() {
        return jobs.list(user.id());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One job with its epoch history")
    @APIResponse(responseCode = "404", description = "No such job of this user")
    public JsonNode get(@PathParam("id") UUID id) {
        return jobs.get(user.id(), id);
    }
}
