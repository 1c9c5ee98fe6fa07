package io.finetune.recipes.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.recipes.Checkpoint;
import io.finetune.recipes.EpochMetrics;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.RecipeModelLoader;
import io.finetune.recipes.TrainedModel;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import io.finetune.recipes.mlp.ModelDescriptor;
import io.finetune.recipes.mlp.Split;
import io.finetune.recipes.support.TestBaseModels;
import io.finetune.recipes.support.TestDatasets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tabular recipe starting from a registered TorchScript base model (the committed fixture, pretrained
 * by examples/base-models/make-tabular-base.py): fine-tuned with a new head, saved, loaded and predicted
 * without the registry, resumed and warm-started.
 */
class TabularBaseModelTest {

    private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();
    private static final BaseModel BASE = TestBaseModels.tabularBase("tabular-base", 1);
    private static final Map<String, Object> HYPERPARAMETERS = Map.of("seed", 5, "learningRate", 0.01);

    private final TabularClassificationRecipe recipe = new TabularClassificationRecipe(OBJECT_MAPPER);

    @TempDir
    Path dir;

    @Test
    void fineTunesTheBackboneWithANewHeadAndPredictsWithoutTheRegistry() throws Exception {
        String data = TestDatasets.machineHealth(500, 3);
        Path modelDir = Files.createDirectory(dir.resolve("model"));
        TrainingResult result = recipe.train(request(4, null, null), csv(data), modelDir, (m, state) -> { });

        assertTrue(result.finalMetrics().validationAccuracy() >= 0.9, result.finalMetrics().toString());
        assertEquals("tabular-base:1", result.card(1, "cpu", "s3://models/x/attempt-1/").baseModel());
        ModelDescriptor descriptor = descriptor(modelDir);
        assertEquals("tabular-base:1", descriptor.backbone());
        assertEquals("tabular-base:1", descriptor.baseModel());
        // Self-contained: the fine-tuned module is inside the parameters file, no copy of model.pt
        try (var files = Files.list(modelDir)) {
            assertEquals(List.of("model-0004.params", "model.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        // Fine-tuned, not frozen: every backbone parameter moved away from the registered module's
        Map<String, float[]> registered = registeredParameters();
        Map<String, float[]> tuned = backboneParameters(modelDir, descriptor);
        assertEquals(registered.keySet(), tuned.keySet());
        for (String name : registered.keySet()) {
            assertTrue(maxDifference(registered.get(name), tuned.get(name)) > 1e-4, name + " did not change");
        }

        // Loaded as serving loads it, the validation rows predict exactly the accuracy training reported
        List<String[]> rows = data.lines().skip(1).map(line -> line.split(",")).toList();
        Split split = Split.of(rows.size(), 0.2, 5);
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (int row : split.validation()) {
            inputs.add(input(rows.get(row)));
        }
        ModelLoader loader = new RecipeModelLoader(List.of(recipe), OBJECT_MAPPER);
        try (TrainedModel model = loader.load(modelDir)) {
            List<Prediction> predictions = model.predict(inputs);
            int correct = 0;
            for (int i = 0; i < inputs.size(); i++) {
                correct += rows.get(split.validation()[i])[4].equals(predictions.get(i).label()) ? 1 : 0;
            }
            assertEquals(result.finalMetrics().validationAccuracy(), (double) correct / inputs.size(), 1e-9);
            // A server predicts on its request threads, where autograd is on (only the engine's first thread has it off)
            java.util.concurrent.FutureTask<List<Prediction>> onAnotherThread = new java.util.concurrent.FutureTask<>(
                    () -> model.predict(inputs));
            new Thread(onAnotherThread).start();
            assertEquals(predictions, onAnotherThread.get());
            assertEquals(List.of("temperature", "vibration", "pressure", "humidity"),
                    model.schema().inputs().stream().map(f -> f.name()).toList());
        }
    }

    @Test
    void aDatasetOfAnotherWidthIsNamedWithBothNumbers() {
        TrainingInputException problem = assertThrows(TrainingInputException.class, () -> recipe.train(
                request(1, null, null), csv(TestDatasets.blobs(100, 1)), dir, (m, state) -> { }));
        assertEquals("The dataset has 3 features (x1, x2, x3); base model tabular-base:1 takes 4 inputs.",
                problem.getMessage());
    }

    @Test
    void aBaseModelOfAnotherRecipeIsRefused() {
        BaseModel text = new BaseModel("encoder", 2, BaseModel.FORMAT_TORCHSCRIPT, "text-classification", 4, 16,
                BASE.sha256(), BASE.bytes(), null, BASE.registeredAt());
        TrainingRequest request = new TrainingRequest(UUID.randomUUID(), 1, 1, HYPERPARAMETERS, null, null,
                new TrainingRequest.BaseModelFile(text, TestBaseModels.TABULAR_BASE));
        assertTrue(assertThrows(TrainingInputException.class, () -> recipe.train(request,
                csv(TestDatasets.machineHealth(50, 1)), dir, (m, state) -> { })).getMessage()
                .startsWith("Base model encoder:2 is a torchscript model for recipe text-classification"));
    }

    @Test
    void resumesFromACheckpointAndKeepsFineTuningTheBackbone() throws Exception {
        String data = TestDatasets.machineHealth(300, 4);
        Path checkpoint = Files.createDirectory(dir.resolve("checkpoint"));
        recipe.train(request(2, null, null), csv(data), Files.createDirectory(dir.resolve("first")), (m, state) -> {
            if (m.epoch() == 2) {
                state.writeCheckpoint(checkpoint);
            }
        });
        List<EpochMetrics> resumed = new ArrayList<>();
        Path second = Files.createDirectory(dir.resolve("second"));
        TrainingResult result = recipe.train(request(4, new Checkpoint(2, checkpoint), null), csv(data), second,
                (m, state) -> resumed.add(m));

        assertEquals(List.of(3, 4), resumed.stream().map(EpochMetrics::epoch).toList());
        assertEquals("tabular-base:1", result.baseModel());
        assertTrue(result.finalMetrics().validationAccuracy() >= 0.9, result.finalMetrics().toString());
        // The resumed attempt still trains the backbone, from the checkpoint's values
        ModelDescriptor descriptor = descriptor(second);
        Map<String, float[]> atCheckpoint = backboneParameters(checkpoint, descriptor, 2);
        Map<String, float[]> after = backboneParameters(second, descriptor);
        for (String name : atCheckpoint.keySet()) {
            assertTrue(maxDifference(atCheckpoint.get(name), after.get(name)) > 1e-5, name + " froze after resuming");
        }
        // A checkpoint without the base model does not resume an attempt that names one
        Path plain = Files.createDirectory(dir.resolve("plain"));
        new TabularClassificationRecipe(OBJECT_MAPPER).train(new TrainingRequest(UUID.randomUUID(), 1, 1,
                HYPERPARAMETERS, null, null), csv(data), Files.createDirectory(dir.resolve("plain-model")), (m, state) ->
                        state.writeCheckpoint(plain));
        assertTrue(assertThrows(TrainingInputException.class, () -> recipe.train(request(2, new Checkpoint(1, plain),
                null), csv(data), Files.createDirectory(dir.resolve("third")), (m, state) -> { })).getMessage()
                .contains("trained from base model null; this attempt names tabular-base:1"));
    }

    @Test
    void warmStartsOnlyFromAVersionOfTheSameBaseModel() throws Exception {
        String data = TestDatasets.machineHealth(300, 6);
        Path previous = Files.createDirectory(dir.resolve("previous"));
        recipe.train(request(3, null, null), csv(data), previous, (m, state) -> { });
        Path plain = Files.createDirectory(dir.resolve("plain"));
        recipe.train(new TrainingRequest(UUID.randomUUID(), 1, 1, HYPERPARAMETERS, null, null), csv(data), plain,
                (m, state) -> { });

        String next = TestDatasets.machineHealth(300, 7);
        List<EpochMetrics> fromBase = new ArrayList<>();
        recipe.train(request(1, null, null), csv(next), Files.createDirectory(dir.resolve("base")),
                (m, state) -> fromBase.add(m));
        List<EpochMetrics> warm = new ArrayList<>();
        TrainingResult warmResult = recipe.train(request(1, null,
                new TrainingRequest.WarmStart("s3://models/previous/attempt-1/", previous)), csv(next),
                Files.createDirectory(dir.resolve("warm")), (m, state) -> warm.add(m));
        assertEquals("s3://models/previous/attempt-1/", warmResult.warmStartedFrom());
        assertTrue(warm.get(0).trainLoss() < fromBase.get(0).trainLoss(), warm + " vs " + fromBase);

        // A version trained without the base model: the job starts from the base model instead
        List<EpochMetrics> other = new ArrayList<>();
        TrainingResult otherResult = recipe.train(request(1, null,
                new TrainingRequest.WarmStart("s3://models/plain/attempt-1/", plain)), csv(next),
                Files.createDirectory(dir.resolve("other")), (m, state) -> other.add(m));
        assertNull(otherResult.warmStartedFrom());
        assertEquals("tabular-base:1", otherResult.baseModel());
        assertEquals(fromBase.get(0).trainLoss(), other.get(0).trainLoss(), 1e-6, "the same start as from the base");
        // ... and a job without a base model does not start from a version that had one
        assertFalse(new TabularClassificationRecipe(OBJECT_MAPPER).train(new TrainingRequest(UUID.randomUUID(), 1, 1,
                HYPERPARAMETERS, null, new TrainingRequest.WarmStart("s3://models/previous/attempt-1/", previous)),
                csv(next), Files.createDirectory(dir.resolve("no-base")), (m, state) -> { }).warmStartedFrom() != null);
    }

    private static TrainingRequest request(int epochs, Checkpoint resume, TrainingRequest.WarmStart warmStart) {
        return new TrainingRequest(UUID.randomUUID(), 1, epochs, HYPERPARAMETERS, resume, warmStart,
                new TrainingRequest.BaseModelFile(BASE, TestBaseModels.TABULAR_BASE));
    }

    private static ModelDescriptor descriptor(Path modelDir) throws IOException {
        return OBJECT_MAPPER.readValue(modelDir.resolve(MlpClassificationRecipe.DESCRIPTOR_FILE).toFile(),
                ModelDescriptor.class);
    }

    /** The parameters of the registered TorchScript file, as DJL loads it. */
    private static Map<String, float[]> registeredParameters() throws Exception {
        Path file = TestBaseModels.TABULAR_BASE;
        String name = file.getFileName().toString().replace(".pt", "");
        try (Model model = Model.newInstance(name)) {
            model.load(file.getParent(), name);
            return values(model.getBlock());
        }
    }

    private static Map<String, float[]> backboneParameters(Path modelDir, ModelDescriptor descriptor) throws Exception {
        return backboneParameters(modelDir, descriptor, descriptor.epochs());
    }

    /** The backbone's parameters saved in {@code modelDir} at {@code epoch}. */
    private static Map<String, float[]> backboneParameters(Path modelDir, ModelDescriptor descriptor, int epoch)
            throws Exception {
        try (Model model = Model.newInstance(descriptor.modelName())) {
            model.setBlock(MlpClassificationRecipe.withHead(MlpClassificationRecipe.emptyBackbone(model),
                    descriptor.classes().size()));
            model.load(modelDir, descriptor.modelName(), Map.of("epoch", epoch));
            return values(model.getBlock().getChildren().get(0).getValue());
        }
    }

    private static Map<String, float[]> values(Block block) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (var pair : block.getParameters()) {
            Parameter parameter = pair.getValue();
            values.put(pair.getKey(), parameter.getArray().toFloatArray());
        }
        return values;
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static Map<String, Object> input(String[] row) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("temperature", Double.parseDouble(row[0]));
        input.put("vibration", Double.parseDouble(row[1]));
        input.put("pressure", Double.parseDouble(row[2]));
        input.put("humidity", Double.parseDouble(row[3]));
        return input;
    }

    private static InputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
