package io.finetune.scheduler.rest;

import io.finetune.scheduler.service.NewSchedule;
import io.finetune.scheduler.service.ScheduleService;
import io.finetune.scheduler.service.ScheduleView;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** Recurring training schedules of the user in {@value JobResource#OWNER_HEADER}, called by the gateway. */
@Path("/schedules")
public class ScheduleResource {

    private final ScheduleService service;

    ScheduleResource(ScheduleService service) {
        this.service = service;
    }

    @POST
    public RestResponse<ScheduleView> create(@HeaderParam(JobResource.OWNER_HEADER) String owner, NewSchedule request) {
        return RestResponse.status(Response.Status.CREATED, service.create(JobResource.requireOwner(owner), request));
    }

    @GET
    public List<ScheduleView> list(@HeaderParam(JobResource.OWNER_HEADER) String owner) {
        return service.list(JobResource.requireOwner(owner));
    }

    @GET
    @Path("{id}")
    public ScheduleView get(@HeaderParam(JobResource.OWNER_HEADER) String owner, @PathParam("id") UUID id) {
        return service.get(JobResource.requireOwner(owner), id);
    }

    @PUT
    @Path("{id}")
    public ScheduleView replace(@HeaderParam(JobResource.OWNER_HEADER) String owner, @PathParam("id") UUID id,
            NewSchedule request) {
        return service.replace(JobResource.requireOwner(owner), id, request);
    }

    @DELETE
    @Path("{id}")
    public RestResponse<Void> delete(@HeaderParam(JobResource.OWNER_HEADER) String owner, @PathParam("id") UUID id) {
        service.delete(JobResource.requireOwner(owner), id);
        return RestResponse.noContent();
    }
}
