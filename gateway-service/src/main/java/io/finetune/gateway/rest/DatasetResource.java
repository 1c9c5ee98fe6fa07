package io.finetune.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.service.DatasetService;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
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
import org.jboss.resteasy.reactive.RestResponse;

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

    private final ObjectMapper json;

    public DatasetResource(DatasetService datasets, CurrentUser user, ObjectMapper json) {
        this.datasets = datasets;
        this.user = user;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Open an upload session for a new dataset, or import one",
            description = "With upload \"single\": a presigned URL (uploadUrl, uploadMethod, uploadExpiresAt) to PUT the file to."
                    + " With upload \"multipart\" (the default for a file larger than one part): uploadId, key, partSize and"
                    + " partCount; presign parts with POST {id}/parts. Then complete it. With source {s3: {bucket, key}}"
                    + " instead: the object is copied from an allowed bucket of the store and validated (201 with the outcome,"
                    + " 202 validating for a large file).")
    @APIResponse(responseCode = "201", description = "The dataset, awaiting its upload (or imported, with its outcome)")
    @APIResponse(responseCode = "202", description = "Imported; a large file is being validated, poll GET {id}")
    @APIResponse(responseCode = "400", description = "The body is not valid JSON")
    @APIResponse(responseCode = "413", description = "The declared size is over the dataset size limit")
    @APIResponse(responseCode = "422", description = "Invalid fields")
    public Response create(@Valid @NotNull(message = "a JSON body is required") CreateDatasetRequest body, @Context UriInfo uri) {
        RestResponse<JsonNode> created = datasets.create(user.id(), body);
        JsonNode dataset = created.getEntity();
        return Response.created(uri.getAbsolutePathBuilder().path(dataset.path("id").asText()).build())
                .status(created.getStatus())
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
    @Path("/{id}/parts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Presign part URLs of a multipart upload",
            description = "Body {partNumbers: [1, 2]} (at most 100); answers {parts: [{partNumber, url, expiresAt}]}: PUT each part's bytes to its url.")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    @APIResponse(responseCode = "409", description = "The upload is complete, or not a multipart upload")
    @APIResponse(responseCode = "422", description = "Part numbers outside the upload's plan")
    public JsonNode presignParts(@PathParam("id") UUID id,
            @NotNull(message = "a JSON body such as {\"partNumbers\": [1, 2]} is required") JsonNode body) {
        return datasets.presignParts(user.id(), id, body);
    }

    @GET
    @Path("/{id}/parts")
    @Operation(summary = "The parts of a multipart upload already stored: resume by uploading only the others",
            description = "Answers {uploadId, partSize, partCount, parts: [{partNumber, size, etag}]}.")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    @APIResponse(responseCode = "409", description = "The upload is complete, or not a multipart upload")
    public JsonNode storedParts(@PathParam("id") UUID id) {
        return datasets.storedParts(user.id(), id);
    }

    @POST
    @Path("/{id}/complete")
    @Operation(summary = "Mark the upload as done: the dataset is validated",
            description = "An optional body {parts: [{partNumber, etag}]} names the parts of a multipart upload; without it every"
                    + " stored part is joined. 200: validated or rejected; 202: a large file is being validated, poll GET {id}.")
    @APIResponse(responseCode = "200", description = "The dataset, validated or rejected (with problems)")
    @APIResponse(responseCode = "202", description = "The dataset, validating")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    @APIResponse(responseCode = "409", description = "Nothing uploaded yet")
    @APIResponse(responseCode = "422", description = "The store refused to join the named parts")
    public Response complete(@PathParam("id") UUID id, String body) throws JsonProcessingException {
        // a String, since most clients send no body (and so no Content-Type) to complete
        JsonNode request = body == null || body.isBlank() ? null : json.readTree(body);
        RestResponse<JsonNode> completed = datasets.complete(user.id(), id, request);
        return Response.status(completed.getStatus()).entity(completed.getEntity()).build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a dataset; also aborts its upload in progress and drops the uploaded parts")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "Jobs still need the dataset (queued, running or waiting):"
            + " problem+json with jobs [{id, name, status}]")
    @APIResponse(responseCode = "404", description = "No such dataset of this user")
    public Response delete(@PathParam("id") UUID id) {
        datasets.delete(user.id(), id);
        return Response.noContent().build();
    }
}
