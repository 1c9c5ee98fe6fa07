package io.finetune.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.service.WebhookService;
import io.quarkus.security.Authenticated;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

/**
 * The user's webhooks: a signed POST when one of the user's jobs succeeds, fails, is cancelled or
 * times out (docs/webhooks.md), and each webhook's delivery log. Owned by progress-service.
 */
@Path("/api/v1/webhooks")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
@APIResponse(responseCode = "429", description = "Too many requests of this user, or the platform is busy; see Retry-After")
@APIResponse(responseCode = "503", description = "progress-service is unavailable; see Retry-After")
public class WebhookResource {

    private final WebhookService webhooks;
    private final CurrentUser user;

    public WebhookResource(WebhookService webhooks, CurrentUser user) {
        this.webhooks = webhooks;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a webhook",
            description = "Body {url, secret?}. Answers {id, url, createdAt} and, when no secret was given, the generated "
                    + "secret: shown this once, never again. Deliveries carry X-Finetune-Signature: t=<unix>,v1=<hex "
                    + "HMAC-SHA256 of \"<t>.<body>\" with the secret>.")
    @APIResponse(responseCode = "201", description = "The webhook (with the generated secret, once)")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "409", description = "The user has the most webhooks allowed")
    @APIResponse(responseCode = "422", description = "Invalid url or secret, named in errors[].field")
    public Response create(@NotNull(message = "a JSON body such as {\"url\": \"https://...\"} is required") CreateWebhookRequest body,
            @Context UriInfo uri) {
        JsonNode created = webhooks.create(user.id(), body);
        return Response.created(uri.getAbsolutePathBuilder().path(created.path("id").asText()).build())
                .entity(created).build();
    }

    @GET
    @Operation(summary = "The user's webhooks (never their secrets)")
    public JsonNode list() {
        return webhooks.list(user.id());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One webhook")
    @APIResponse(responseCode = "404", description = "No such webhook of this user")
    public JsonNode get(@PathParam("id") UUID id) {
        return webhooks.get(user.id(), id);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a webhook with its delivery log; pending deliveries are not sent")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such webhook of this user")
    public Response delete(@PathParam("id") UUID id) {
        webhooks.delete(user.id(), id);
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The webhook's delivery log, newest first (at most 100)",
            description = "[{id, eventId, eventType, jobId, status (pending, delivered, failed), attempts, nextAttemptAt, "
                    + "lastStatus, lastError, deliveredAt, createdAt}]")
    @APIResponse(responseCode = "404", description = "No such webhook of this user")
    public JsonNode deliveries(@PathParam("id") UUID id) {
        return webhooks.deliveries(user.id(), id);
    }
}
