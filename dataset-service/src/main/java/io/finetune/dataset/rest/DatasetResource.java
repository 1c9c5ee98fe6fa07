package io.finetune.dataset.rest;

import io.finetune.common.problem.Problem;
import io.finetune.dataset.service.DatasetService;
import io.finetune.dataset.service.ObjectStore.ObjectStoreException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
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
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The owner's datasets (docs/development.md, internal REST contracts). */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    private static final Logger LOG = Logger.getLogger(DatasetResource.class);

    private final DatasetService service;

    public DatasetResource(DatasetService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam(OwnerFilter.HEADER) String owner,
            @NotNull(message = "a JSON body such as {\"name\": \"iris\"} is required") @Valid CreateDatasetRequest request) {
        DatasetService.UploadSession session = service.create(owner, request.name());
        return Response.created(URI.create("/datasets/" + session.dataset().id))
                .entity(UploadSessionView.of(session))
                .build();
    }

    @POST
    @Path("/{id}/complete")
    public DatasetView complete(@HeaderParam(OwnerFilter.HEADER) String owner, @PathParam("id") UUID id) {
        return DatasetView.of(service.complete(id, owner));
    }

    @GET
    public List<DatasetView> list(@HeaderParam(OwnerFilter.HEADER) String owner) {
        return service.list(owner).stream().map(DatasetView::of).toList();
    }

    @GET
    @Path("/{id}")
    public DatasetView get(@HeaderParam(OwnerFilter.HEADER) String owner, @PathParam("id") UUID id) {
        return DatasetView.of(service.get(id, owner));
    }

    /** The store is down or failing: the caller may retry later, nothing is wrong with the request. */
    @ServerExceptionMapper
    public Response unavailable(ObjectStoreException e) {
        LOG.error("Object store failure", e);
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "The file store is unavailable; try again later",
                List.of()).toResponse();
    }
}
