package io.finetune.dataset.rest;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.service.DatasetImports;
import io.finetune.dataset.service.DatasetInUseException;
import io.finetune.dataset.service.DatasetService;
import io.finetune.dataset.service.DatasetService.Completion;
import io.finetune.dataset.service.DatasetService.NewUpload;
import io.finetune.dataset.service.DatasetService.PartUrl;
import io.finetune.dataset.service.DatasetService.StoredPart;
import io.finetune.dataset.service.ObjectStore.ObjectStoreException;
import io.finetune.dataset.service.RemoteSources;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The owner's datasets (docs/development.md, internal REST contracts; README for the upload flows). */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    private static final Logger LOG = Logger.getLogger(DatasetResource.class);
    /** A restarted store is back within seconds; a client that comes back sooner only adds load. */
    private static final int STORE_RETRY_AFTER_SECONDS = 5;

    private final DatasetService service;
    private final DatasetImports imports;
    private final ObjectMapper json;
    private final Validator validator;

    public DatasetResource(DatasetService service, DatasetImports imports, ObjectMapper json, Validator validator) {
        this.service = service;
        this.imports = imports;
        this.json = json;
        this.validator = validator;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam(OwnerFilter.HEADER) String owner,
            @NotNull(message = "a JSON body such as {\"name\": \"iris\"} is required") @Valid CreateDatasetRequest request) {
        if (request.source() != null) {
            return importObject(owner, request);
        }
        DatasetService.UploadSession session = service.create(owner,
                new NewUpload(request.name(), request.size(), request.contentType(), request.upload(),
                        request.purpose()));
        return Response.created(URI.create("/datasets/" + session.dataset().id))
                .entity(UploadSessionView.of(session))
                .build();
    }

    /** 201 with the outcome, or 202 while a large file is validated: poll {@code GET /datasets/{id}}. */
    private Response importObject(String owner, CreateDatasetRequest request) {
        if (request.size() != null || request.upload() != null || request.contentType() != null) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", List.of(
                    new Problem.FieldError("source", "size, contentType and upload describe an upload; leave them out"
                            + " when importing from a source")));
        }
        if (request.purpose() != null && !DatasetEvent.TRAINING.equals(request.purpose())) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", List.of(
                    new Problem.FieldError("purpose", "imports are training datasets; upload a prediction dataset")));
        }
        ImportSource source = request.source();
        List<Problem.FieldError> problems = source.problems();
        if (!problems.isEmpty()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", problems);
        }
        ImportSource.S3Object s3 = source.s3();
        Completion completion;
        if (source.url() != null) {
            completion = imports.fromUrl(owner, request.name(), new RemoteSources.Url(source.url()));
        } else if (s3.hasCredentials()) {
            completion = imports.fromOtherStore(owner, request.name(), new RemoteSources.S3Object(s3.endpoint(),
                    s3.region(), s3.bucket(), s3.key(), s3.accessKeyId(), s3.secretAccessKey(), s3.sessionToken()));
        } else {
            completion = imports.fromStore(owner, request.name(), s3.bucket(), s3.key());
        }
        return Response.created(URI.create("/datasets/" + completion.dataset().id))
                .status(completion.done() ? Response.Status.CREATED : Response.Status.ACCEPTED)
                .entity(DatasetView.of(completion.dataset()))
                .build();
    }

    @POST
    @Path("/{id}/parts")
    @Consumes(MediaType.APPLICATION_JSON)
    public PartsView<PartUrl> presignParts(@HeaderParam(OwnerFilter.HEADER) String owner, @PathParam("id") UUID id,
            @NotNull(message = "a JSON body such as {\"partNumbers\": [1, 2]} is required") PartsRequest request) {
        return PartsView.urls(service.presignParts(id, owner, request.partNumbers()));
    }

    @GET
    @Path("/{id}/parts")
    public PartsView<StoredPart> storedParts(@HeaderParam(OwnerFilter.HEADER) String owner, @PathParam("id") UUID id) {
        List<StoredPart> parts = service.storedParts(id, owner);
        Dataset dataset = service.get(id, owner);
        return PartsView.stored(dataset.uploadId, dataset.partSize, dataset.partCount, parts);
    }

    /** 200 with the outcome, or 202 while a large file is validated: poll {@code GET /datasets/{id}}. */
    @POST
    @Path("/{id}/complete")
    public Response complete(@HeaderParam(OwnerFilter.HEADER) String owner, @PathParam("id") UUID id, String body)
            throws JsonProcessingException {
        // a String body, since most clients send none (and so no Content-Type) to complete
        CompleteRequest request = body == null || body.isBlank() ? null : json.readValue(body, CompleteRequest.class);
        if (request != null) {
            Set<ConstraintViolation<CompleteRequest>> violations = validator.validate(request);
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
        }
        List<StoredPart> parts = request == null || request.parts() == null ? null
                : request.parts().stream().map(p -> new StoredPart(p.partNumber(), -1, p.etag())).toList();
        Completion completion = service.complete(id, owner, parts);
        return Response.status(completion.done() ? Response.Status.OK : Response.Status.ACCEPTED)
                .entity(DatasetView.of(completion.dataset()))
                .build();
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

    /** Also what aborts an upload: the parts are dropped and the name is free again. 409 while jobs need it. */
    @DELETE
    @Path("/{id}")
    public Response delete(@HeaderParam(OwnerFilter.HEADER) String owner, @PathParam("id") UUID id) {
        service.delete(id, owner);
        return Response.noContent().build();
    }

    @ServerExceptionMapper
    public Response inUse(DatasetInUseException e) {
        return DatasetInUseProblem.of(e);
    }

    /** The store is down or failing: the caller may retry later, nothing is wrong with the request. */
    @ServerExceptionMapper
    public Response unavailable(ObjectStoreException e) {
        LOG.error("Object store failure", e);
        Response problem = Problem.of(Response.Status.SERVICE_UNAVAILABLE, "The file store is unavailable; try again later",
                List.of()).toResponse();
        return Response.fromResponse(problem).header(HttpHeaders.RETRY_AFTER, STORE_RETRY_AFTER_SECONDS).build();
    }
}
