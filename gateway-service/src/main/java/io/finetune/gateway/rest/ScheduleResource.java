package io.finetune.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.service.ScheduleService;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The user's recurring training schedules (docs/scheduling.md, "Recurring training"): a cron
 * expression and a job template, owned and checked by scheduler-service.
 */
@Path("/api/v1/schedules")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "schedules")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
@APIResponse(responseCode = "429", description = "Too many requests of this user, or the platform is busy; see Retry-After")
@APIResponse(responseCode = "503", description = "An owning service is unavailable; see Retry-After")
public class ScheduleResource {

    private final ScheduleService schedules;
    private final CurrentUser user;

    public ScheduleResource(ScheduleService schedules, CurrentUser user) {
        this.schedules = schedules;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Attach a cron schedule to a job template",
            description = "Body: name, cron (Unix, 5 fields), timeZone?, datasetPrefix, model?, recipe?, epochs, "
                    + "hyperparameters?, profile?, priorityClass?, sla? (ISO-8601 duration), maxRetries?, enabled?. "
                    + "Each fire trains on the newest validated dataset whose name starts with datasetPrefix.")
    @APIResponse(responseCode = "201", description = "The schedule, with its next fire time")
    @APIResponse(responseCode = "409", description = "The user already has a schedule of this name")
    @APIResponse(responseCode = "422", description = "Invalid fields: a cron expression that is not Unix cron, a time zone, the template")
    public Response create(JsonNode body, @Context UriInfo uri) {
        JsonNode schedule = schedules.create(user.id(), requireObject(body));
        return Response.created(uri.getAbsolutePathBuilder().path(schedule.path("id").asText()).build())
                .entity(schedule).build();
    }

    @GET
    @Operation(summary = "The user's schedules with their latest runs")
    public JsonNode list() {
        return schedules.list(user.id());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One schedule with its latest runs (fire time, try, status, job, SLA flag)")
    @APIResponse(responseCode = "404", description = "No such schedule of this user")
    public JsonNode get(@PathParam("id") UUID id) {
        return schedules.get(user.id(), id);
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a schedule's cron expression and template; runs already fired go on")
    @APIResponse(responseCode = "404", description = "No such schedule of this user")
    @APIResponse(responseCode = "422", description = "Invalid fields")
    public JsonNode replace(@PathParam("id") UUID id, JsonNode body) {
        return schedules.replace(user.id(), id, requireObject(body));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a schedule; jobs it already submitted are not touched")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such schedule of this user")
    public Response delete(@PathParam("id") UUID id) {
        schedules.delete(user.id(), id);
        return Response.noContent().build();
    }

    private static JsonNode requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError("body", "a JSON object is required")));
        }
        return body;
    }
}
