package io.finetune.progress.rest;

import io.finetune.common.problem.ProblemException;
import io.finetune.progress.service.ModelDetail;
import io.finetune.progress.service.ModelSummary;
import io.finetune.progress.service.ModelVersionDetail;
import io.finetune.progress.service.ModelViewService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.OptionalInt;

/**
 * The models view the gateway reads (docs/models.md), scoped by the owner in {@code X-Owner}; another
 * owner's model is 404 like an unknown one.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    /** The version alias that always names a model's highest version. */
    static final String LATEST = "latest";

    private final ModelViewService models;

    public ModelResource(ModelViewService models) {
        this.models = models;
    }

    /** The owner's models, ordered by name, each described by its latest version. */
    @GET
    public List<ModelSummary> list(@HeaderParam(Owners.OWNER_HEADER) String owner) {
        return models.list(Owners.required(owner));
    }

    /** One model with its versions ascending. */
    @GET
    @Path("/{name}")
    public ModelDetail get(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("name") String name) {
        return models.get(Owners.required(owner), Owners.modelName(name));
    }

    /** One version ({@code version} a number or {@value #LATEST}): everything registered about it. */
    @GET
    @Path("/{name}/versions/{version}")
    public ModelVersionDetail version(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("name") String name,
            @PathParam("version") String version) {
        return models.version(Owners.required(owner), Owners.modelName(name), version(name, version));
    }

    /** A version that is neither a positive number nor {@value #LATEST} names no version: 404 like an unknown one. */
    private static OptionalInt version(String name, String version) {
        if (LATEST.equals(version)) {
            return OptionalInt.empty();
        }
        try {
            int number = Integer.parseInt(version);
            if (number >= 1) {
                return OptionalInt.of(number);
            }
        } catch (NumberFormatException e) {
            // falls through to 404
        }
        throw ProblemException.notFound("Model " + name + " version " + version);
    }
}
