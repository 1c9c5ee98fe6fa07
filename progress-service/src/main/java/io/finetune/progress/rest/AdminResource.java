package io.finetune.progress.rest;

import io.finetune.common.problem.ProblemException;
import io.finetune.progress.messaging.ViewRebuilder;
import io.finetune.progress.service.AdminOverviewService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Platform-wide views and operations. Not scoped by owner: the gateway exposes the overview to
 * administrators only and the rebuild not at all ({@code dev/rebuild-progress} calls it directly).
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final AdminOverviewService overview;
    private final ViewRebuilder rebuilder;

    public AdminResource(AdminOverviewService overview, ViewRebuilder rebuilder) {
        this.overview = overview;
        this.rebuilder = rebuilder;
    }

    @GET
    @Path("/overview")
    public AdminOverviewService.Overview overview() {
        return overview.overview();
    }

    /** Deletes the view and rebuilds it from the topics; answers when done. 409 while one runs. */
    @POST
    @Path("/rebuild")
    public ViewRebuilder.Result rebuild() {
        return rebuilder.rebuildAll().orElseThrow(
                () -> new ProblemException(Response.Status.CONFLICT, "A rebuild of the view is already running"));
    }
}
