package io.finetune.scheduler.rest;

import io.finetune.scheduler.service.PredictionResults;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.UUID;

/** The result of a prediction job of the user in {@value JobResource#OWNER_HEADER}, called by the gateway. */
@Path("/jobs/{id}/predictions")
public class PredictionResultResource {

    private final PredictionResults results;

    PredictionResultResource(PredictionResults results) {
        this.results = results;
    }

    /** 200 a presigned URL of the predictions file; 404 no such prediction job of the owner; 409 not succeeded. */
    @GET
    public PredictionResults.Download download(@HeaderParam(JobResource.OWNER_HEADER) String owner,
            @PathParam("id") UUID id) {
        return results.download(JobResource.requireOwner(owner), id);
    }
}
