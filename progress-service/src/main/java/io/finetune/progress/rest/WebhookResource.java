package io.finetune.progress.rest;

import io.finetune.common.problem.ProblemException;
import io.finetune.progress.service.Webhook;
import io.finetune.progress.service.WebhookDelivery;
import io.finetune.progress.service.WebhookService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/** The owner's webhooks and their delivery logs (docs/webhooks.md); another owner's webhook is 404. */
@Path("/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final WebhookService webhooks;

    public WebhookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    /** {@code secret} is optional: without it one is generated and answered this once. */
    public record CreateWebhook(String url, String secret) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam(Owners.OWNER_HEADER) String owner, CreateWebhook request) {
        String user = Owners.required(owner);
        CreateWebhook body = request == null ? new CreateWebhook(null, null) : request;
        Webhook created = webhooks.register(user, body.url(), body.secret());
        return Response.created(URI.create("/webhooks/" + created.id())).entity(created).build();
    }

    @GET
    public List<Webhook> list(@HeaderParam(Owners.OWNER_HEADER) String owner) {
        return webhooks.list(Owners.required(owner));
    }

    @GET
    @Path("/{id}")
    public Webhook get(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("id") String id) {
        return webhooks.get(Owners.required(owner), webhookId(id));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("id") String id) {
        webhooks.delete(Owners.required(owner), webhookId(id));
        return Response.noContent().build();
    }

    /** The newest deliveries first. */
    @GET
    @Path("/{id}/deliveries")
    public List<WebhookDelivery> deliveries(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("id") String id) {
        return webhooks.deliveries(Owners.required(owner), webhookId(id));
    }

    /** A malformed id names no webhook: 404 like an unknown one. */
    private static UUID webhookId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("Webhook " + id);
        }
    }
}
