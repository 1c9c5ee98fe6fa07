package io.finetune.scheduler.rest;

import io.finetune.common.problem.ProblemException;
import io.finetune.scheduler.service.JobControl;
import io.finetune.scheduler.service.JobService;
import io.finetune.scheduler.service.JobView;
import io.finetune.scheduler.service.NewJob;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** Job commands, called by the gateway with the authenticated user in {@value #OWNER_HEADER}. */
@Path("/jobs")
public class JobResource {

    public static final String OWNER_HEADER = "X-Owner";
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private final JobService service;
    private final JobControl control;

    JobResource(JobService service, JobControl control) {
        this.service = service;
        this.control = control;
    }

    /** 201 with the new job; 200 with the earlier job when the owner already submitted with this Idempotency-Key. */
    @POST
    public RestResponse<JobView> submit(@HeaderParam(OWNER_HEADER) String owner,
            @HeaderParam(IDEMPOTENCY_KEY_HEADER) String idempotencyKey, NewJob request) {
        JobService.Submitted submitted = service.submit(requireOwner(owner), request, idempotencyKey);
        return RestResponse.status(submitted.created() ? Response.Status.CREATED : Response.Status.OK, submitted.job());
    }

    /** 200 when the job is cancelled; 202 when its trainer was told to stop and the job ends when it confirms. */
    @POST
    @Path("{id}/cancel")
    public RestResponse<JobView> cancel(@HeaderParam(OWNER_HEADER) String owner, @PathParam("id") UUID id) {
        JobControl.Cancelled cancelled = control.cancel(requireOwner(owner), id);
        return RestResponse.status(cancelled.done() ? Response.Status.OK : Response.Status.ACCEPTED, cancelled.job());
    }

    static String requireOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "The " + OWNER_HEADER + " header is required");
        }
        return owner;
    }
}
