package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.rest.CreateWebhookRequest;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** progress-service's webhooks (docs/webhooks.md): registrations and their delivery logs, per owner. */
@Path("/webhooks")
@RegisterRestClient(configKey = Downstream.PROGRESS_SERVICE)
public interface WebhookClient {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    JsonNode create(@HeaderParam(Downstream.OWNER) String owner, CreateWebhookRequest request);

    @GET
    JsonNode list(@HeaderParam(Downstream.OWNER) String owner);

    @GET
    @Path("/{id}")
    JsonNode get(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @DELETE
    @Path("/{id}")
    void delete(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @GET
    @Path("/{id}/deliveries")
    JsonNode deliveries(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.PROGRESS_SERVICE, response);
    }
}
