package io.finetune.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.service.DatasetService;
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

/** The user's datasets: upload sessions and validation, owned by dataset-service. */
@Path("/api/v1/datasets")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
@APIResponse(responseCode = "503", description = "dataset-service is unavailable; see Retry-After")
public class DatasetResource {

    private final DatasetService datasets;
    private final CurrentUser user;

    public DatasetResource(DatasetService datasets, CurrentUser user) {
        this.datasets = datasets;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Open an upload session for a new dataset",
            description = "Answers a presigned URL (uploadUrl, uploadMethod, uploadExpiresAt) to send the file to; then complete it.")
    @APIResponse(responseCode = "201", description = "The dataset, awaiting its upload")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "422", description = "Invalid fields")
    public Response create(@Valid @NotNull(message = "a JSON body is required") CreateDatasetRequest body, @Context UriInfo uri) {
        JsonNode dataset = datasets.create(user.id(), body);
        return Response.created(uri.getAbsolutePathBuilder().path(dataset.path("id").asText()).build())
                .entity(dataset)
                .build();
    }

    @GET
    @Operation(summary = "The user's datasets")
    public JsonNode list() {
        return datasets.list(user.id());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One dataset: status, statistics, validation problems with line numbers")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    public JsonNode get(@PathParam("id") UUID id) {
        return datasets.get(user.id(), id);
    }

    @POST
    @Path("/{id}/complete")
    @Operation(summary = "Mark the upload as done: the dataset is validated and comes back validated or rejected")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    public JsonNode complete(@PathParam("id") UUID id) {
        return datasets.complete(user.id(), id);
    }
}
