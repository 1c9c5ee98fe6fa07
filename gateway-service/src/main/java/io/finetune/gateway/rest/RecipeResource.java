package io.finetune.gateway.rest;

import io.finetune.common.recipes.Recipe;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The recipe catalogue (platform-common's Recipe): what a job may name, with its hyperparameters' defaults. */
@Path("/api/v1/recipes")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "recipes")
@APIResponse(responseCode = "401", description = "No identity, or credentials that are not valid")
public class RecipeResource {

    /** @param hyperparameters every hyperparameter of the recipe with its default */
    public record RecipeView(String name, Map<String, Number> hyperparameters) {
    }

    @GET
    @Operation(summary = "The recipes a job can use, with their hyperparameters and defaults")
    public List<RecipeView> list() {
        return Arrays.stream(Recipe.values()).map(r -> new RecipeView(r.wireName(), r.defaults())).toList();
    }
}
