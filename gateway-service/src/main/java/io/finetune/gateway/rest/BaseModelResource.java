package io.finetune.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.client.BaseModelClient;
import io.finetune.gateway.client.Downstream;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The base models a job can start from (docs/models.md, "Base models"): registered by an admin, the same
 * for every user, read by scheduler-service from the object store and passed through as it answers.
 */
@Path("/api/v1/base-models")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "base models")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
@APIResponse(responseCode = "429", description = "Too many requests of this user, or the platform is busy; see Retry-After")
@APIResponse(responseCode = "503", description = "scheduler-service or the object store is unavailable; see Retry-After")
public class BaseModelResource {

    private final BaseModelClient baseModels;

    public BaseModelResource(@RestClient BaseModelClient baseModels) {
        this.baseModels = baseModels;
    }

    @GET
    @Operation(summary = "Every registered base model with its versions",
            description = "[{name, versions: [{name, version, format, recipe, inputWidth, outputWidth, sha256, bytes, "
                    + "description, registeredAt}]}], by name, versions oldest first. A job names one as baseModel: "
                    + "name (the newest version, pinned at submission) or name:version, for a recipe it is registered for.")
    @APIResponse(responseCode = "200", description = "The base models")
    public JsonNode list() {
        return Downstream.call(Downstream.SCHEDULER_SERVICE, baseModels::list);
    }
}
