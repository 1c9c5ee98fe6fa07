package io.finetune.scheduler.rest;

import io.finetune.scheduler.service.JobService;
import io.finetune.scheduler.service.JobView;
import io.finetune.scheduler.service.NewPredictionJob;
import io.finetune.scheduler.service.PredictionJobs;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestResponse;

/** Prediction jobs of a model of the user in {@value JobResource#OWNER_HEADER}, called by the gateway. */
@Path("/models/{model}/predictions")
public class PredictionJobResource {

    private final PredictionJobs jobs;

    PredictionJobResource(PredictionJobs jobs) {
        this.jobs = jobs;
    }

    /** 201 with the new job (kind {@code prediction}); 200 with the earlier job for a repeated Idempotency-Key. */
    @POST
    public RestResponse<JobView> submit(@HeaderParam(JobResource.OWNER_HEADER) String owner,
            @HeaderParam(JobResource.IDEMPOTENCY_KEY_HEADER) String idempotencyKey, @PathParam("model") String model,
            NewPredictionJob request) {
        JobService.Submitted submitted = jobs.submit(JobResource.requireOwner(owner), model, request, idempotencyKey);
        return RestResponse.status(submitted.created() ? Response.Status.CREATED : Response.Status.OK, submitted.job());
    }
}
