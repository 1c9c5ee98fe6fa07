package io.finetune.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.recipes.Recipe;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads {@value #DESCRIPTOR_FILE} of an artifact and hands the directory to the recipe named there. */
@ApplicationScoped
public class RecipeModelLoader implements ModelLoader {

    /** Every artifact's description; its {@code recipe} field names the recipe that wrote it. */
    public static final String DESCRIPTOR_FILE = "model.json";

    private final List<TrainingRecipe> recipes;
    private final ObjectMapper objectMapper;

    public RecipeModelLoader(@All List<TrainingRecipe> recipes, ObjectMapper objectMapper) {
        this.recipes = recipes;
        this.objectMapper = objectMapper;
    }

    @Override
    public TrainedModel load(Path modelDir) throws IOException {
        Path descriptor = modelDir.resolve(DESCRIPTOR_FILE);
        if (!Files.isRegularFile(descriptor)) {
            throw new IOException("no " + DESCRIPTOR_FILE + " in " + modelDir);
        }
        JsonNode recipeName = objectMapper.readTree(descriptor.toFile()).get("recipe");
        Recipe recipe = recipeName == null ? null : Recipe.fromWire(recipeName.asText()).orElse(null);
        return recipes.stream().filter(r -> r.recipe() == recipe).findFirst()
                .orElseThrow(() -> new IOException(modelDir + " was made by recipe " + recipeName
                        + ", which is not one of " + recipes.stream().map(r -> r.recipe().wireName()).toList()))
                .load(modelDir);
    }
}
