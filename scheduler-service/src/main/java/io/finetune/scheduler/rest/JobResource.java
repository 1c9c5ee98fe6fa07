package io.finetune.scheduler.rest;

import io.finetune.common.problem.ProblemException;
import io.finetune.scheduler.service.JobService;
import io.finetune.scheduler.service.JobView;
import io.finetune.scheduler.service.NewJob;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestResponse;

/** Job submission, called by the gateway with the authenticated user in {@value #OWNER_HEADER}. */
@Path("/jobs")
public class JobResource {

    public static final String OWNER_HEADER = "X-Owner";

    private final JobService service;

    JobResource(JobService service) {
        this.service = service;
    }

    @POST
    public RestResponse<JobView> submit(@HeaderParam(OWNER_HEADER) String owner, NewJob request) {
        if (owner == null || owner.isBlank()) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "The " + OWNER_HEADER + " header is required");
        }
        return RestResponse.status(Response.Status.CREATED, service.submit(owner, request));
    }
}
