package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.rest.CreateDatasetRequest;
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
import org.jboss.resteasy.reactive.RestResponse;

/**
 * dataset-service's internal API. Bodies stay JSON trees: the gateway routes them and does not
 * re-model the owning service's views, so a new field reaches clients without a gateway release.
 */
@Path("/datasets")
@RegisterRestClient(configKey = Downstream.DATASET_SERVICE)
public interface DatasetClient {

    /** 201 the upload session (or an imported dataset's outcome), 202 an import still validating. */
    @POST
    RestResponse<JsonNode> create(@HeaderParam(Downstream.OWNER) String owner, CreateDatasetRequest request);

    @GET
    JsonNode list(@HeaderParam(Downstream.OWNER) String owner);

    @GET
    @Path("/{id}")
    JsonNode get(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @POST
    @Path("/{id}/parts")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonNode presignParts(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id, JsonNode request);

    @GET
    @Path("/{id}/parts")
    JsonNode storedParts(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    /**
     * 200 with the outcome, or 202 while a large file is validated behind. A small file is validated
     * before the answer (hence the client's longer read timeout). {@code request} may be null.
     */
    @POST
    @Path("/{id}/complete")
    @Consumes(MediaType.APPLICATION_JSON)
    RestResponse<JsonNode> complete(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id,
            JsonNode request);

    @DELETE
    @Path("/{id}")
    void delete(@HeaderParam(Downstream.OWNER) String owner, @PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.DATASET_SERVICE, response);
    }
}
