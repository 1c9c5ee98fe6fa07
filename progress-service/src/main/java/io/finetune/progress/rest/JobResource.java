package io.finetune.progress.rest;

import io.finetune.common.problem.ProblemException;
import io.finetune.progress.service.JobDetail;
import io.finetune.progress.service.JobSummary;
import io.finetune.progress.service.JobViewService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/**
 * The job views the gateway reads. The gateway authenticates the user and passes the id in
 * {@value #OWNER_HEADER}; every query is scoped by it.
 */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    public static final String OWNER_HEADER = "X-Owner";

    private final JobViewService jobs;

    public JobResource(JobViewService jobs) {
        this.jobs = jobs;
    }

    @GET
    public List<JobSummary> list(@HeaderParam(OWNER_HEADER) String owner) {
        return jobs.list(required(owner));
    }

    @GET
    @Path("/{id}")
    public JobDetail get(@HeaderParam(OWNER_HEADER) String owner, @PathParam("id") String id) {
        return jobs.get(required(owner), jobId(id));
    }

    private static String required(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "The " + OWNER_HEADER + " header is required");
        }
        return owner;
    }

    /** A malformed id names no job: 404 like any unknown one. */
    private static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("Job " + id);
        }
    }
}
