package io.finetune.serving.service;

import io.finetune.common.events.ModelCard;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.TrainedModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a registered version into a {@link LoadedModel}: downloads its artifact into a folder of its
 * own, loads it with the recipe that trained it, and proves it answers (a smoke prediction of an
 * input built from its schema) before anyone may route a request to it.
 */
@ApplicationScoped
public class VersionLoader {

    private final ArtifactStore store;
    private final ModelLoader loader;

    public VersionLoader(ArtifactStore store, ModelLoader loader) {
        this.store = store;
        this.loader = loader;
    }

    /** @throws Exception when the artifact cannot be read, loaded or does not answer sensibly */
    public LoadedModel load(ModelVersion version) throws Exception {
        Path dir = Files.createTempDirectory("serving-" + version.model().replaceAll("[^A-Za-z0-9_.-]", "_") + "-v"
                + version.version() + "-");
        TrainedModel model = null;
        try {
            store.download(version.artifactUri(), dir);
            model = loader.load(dir);
            smokeTest(model);
            return new LoadedModel(version, model, dir);
        } catch (Exception | Error e) {
            if (model != null) {
                model.close();
            }
            LoadedModel.deleteDirectory(dir);
            throw e;
        }
    }

    /** One prediction of a neutral input (0 for numbers, a short text): a broken model fails here, not on a user. */
    static void smokeTest(TrainedModel model) throws IOException {
        ModelCard.ModelSchema schema = model.schema();
        if (schema == null || schema.inputs() == null || schema.inputs().isEmpty()) {
            throw new IOException("the model declares no input fields");
        }
        Map<String, Object> input = new HashMap<>();
        for (ModelCard.Field field : schema.inputs()) {
            input.put(field.name(), ModelCard.Field.TEXT.equals(field.type()) ? smokeText(field) : 0.0);
        }
        List<Prediction> predictions = model.predict(List.of(input));
        if (predictions == null || predictions.size() != 1 || predictions.get(0) == null) {
            throw new IOException("the smoke prediction did not answer one prediction for one input");
        }
        Prediction p = predictions.get(0);
        if (p.label() == null || (schema.labels() != null && !schema.labels().isEmpty() && !schema.labels().contains(p.label()))) {
            throw new IOException("the smoke prediction answered a label outside the model's classes: " + p.label());
        }
        double sum = 0;
        for (double probability : p.probabilities().values()) {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IOException("the smoke prediction answered a probability of " + probability);
            }
            sum += probability;
        }
        if (Math.abs(sum - 1) > 1e-3) {
            throw new IOException("the smoke prediction's probabilities add up to " + sum);
        }
    }

    private static String smokeText(ModelCard.Field field) {
        String text = "smoke test";
        return field.maxLength() != null && field.maxLength() < text.length() ? text.substring(0, field.maxLength()) : text;
    }
}
