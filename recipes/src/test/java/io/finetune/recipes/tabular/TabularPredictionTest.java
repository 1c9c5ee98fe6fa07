package io.finetune.recipes.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.recipes.InvalidInputException;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.RecipeModelLoader;
import io.finetune.recipes.TrainedModel;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import io.finetune.recipes.mlp.ModelDescriptor;
import io.finetune.recipes.mlp.Split;
import io.finetune.recipes.support.TestDatasets;
import io.finetune.recipes.text.SentenceEncoder;
import io.finetune.recipes.text.TextClassificationRecipe;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tabular model trained, written, loaded through the {@link ModelLoader} and asked for predictions. */
class TabularPredictionTest {

    private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();
    private static final String DATA = TestDatasets.blobs(400, 21);

    @TempDir
    static Path modelDir;

    private static TrainingResult trained;
    private static ModelDescriptor descriptor;
    private static TrainedModel model;

    @BeforeAll
    static void trainAndLoad() throws Exception {
        TabularClassificationRecipe recipe = new TabularClassificationRecipe(OBJECT_MAPPER);
        trained = recipe.train(new TrainingRequest(UUID.randomUUID(), 1, 4, Map.of("seed", 5), null, null),
                new ByteArrayInputStream(DATA.getBytes(StandardCharsets.UTF_8)), modelDir, (m, state) -> { });
        descriptor = OBJECT_MAPPER.readValue(modelDir.resolve(MlpClassificationRecipe.DESCRIPTOR_FILE).toFile(),
                ModelDescriptor.class);
        ModelLoader loader = new RecipeModelLoader(List.of(recipe,
                new TextClassificationRecipe(OBJECT_MAPPER, new SentenceEncoder())), OBJECT_MAPPER);
        model = loader.load(modelDir);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theSchemaIsTheDatasetsFeatureColumnsAndLabels() {
        assertEquals(new ModelCard.ModelSchema(List.of(number("x1"), number("x2"), number("x3")),
                List.of("setosa", "versicolor", "virginica")), model.schema());
        assertEquals(model.schema(), trained.schema());
    }

    @Test
    void predictsTheValidationRowsAsTrainingMeasuredThem() {
        List<String[]> rows = rows(DATA);
        Split split = Split.of(rows.size(), 0.2, 5);
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (int row : split.validation()) {
            inputs.add(input(rows.get(row)));
        }
        List<Prediction> predictions = model.predict(inputs);

        int correct = 0;
        Map<String, Integer> support = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String expected = rows.get(split.validation()[i])[1];
            correct += expected.equals(predictions.get(i).label()) ? 1 : 0;
            support.merge(expected, 1, Integer::sum);
            assertEquals(1.0, predictions.get(i).probabilities().values().stream().mapToDouble(d -> d).sum(), 1e-5);
        }
        // Same rows, same normalization, same parameters: exactly the accuracy training reported
        assertEquals(trained.finalMetrics().validationAccuracy(), (double) correct / inputs.size(), 1e-9);
        for (ModelCard.ClassMetrics metrics : trained.classes()) {
            assertEquals(support.get(metrics.label()).longValue(), metrics.support(), metrics.label());
        }
        assertTrue(trained.finalMetrics().validationAccuracy() >= 0.9);
    }

    @Test
    void probabilitiesEqualTheSavedNetworkComputedByHand() throws Exception {
        List<String[]> rows = rows(DATA).subList(0, 20);
        List<Map<String, Object>> inputs = rows.stream().map(TabularPredictionTest::input).toList();
        List<Prediction> predictions = model.predict(inputs);

        List<float[][]> weights = new ArrayList<>();
        List<float[]> biases = new ArrayList<>();
        try (Model saved = Model.newInstance(descriptor.modelName())) {
            saved.setBlock(MlpClassificationRecipe.mlp(descriptor.hiddenUnits(), descriptor.classes().size()));
            saved.load(modelDir, descriptor.modelName(), Map.of("epoch", descriptor.epochs()));
            for (var pair : saved.getBlock().getParameters()) {
                Parameter parameter = pair.getValue();
                NDArray array = parameter.getArray();
                if (parameter.getType() == Parameter.Type.WEIGHT) {
                    int out = (int) array.getShape().get(0);
                    int in = (int) array.getShape().get(1);
                    float[] flat = array.toFloatArray();
                    float[][] matrix = new float[out][in];
                    for (int o = 0; o < out; o++) {
                        System.arraycopy(flat, o * in, matrix[o], 0, in);
                    }
                    weights.add(matrix);
                } else {
                    biases.add(array.toFloatArray());
                }
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            double[] x = new double[3];
            for (int f = 0; f < 3; f++) {
                double raw = (float) Double.parseDouble(rows.get(r)[f == 0 ? 0 : f + 1]);
                x[f] = (raw - descriptor.normalization().means()[f]) / descriptor.normalization().stds()[f];
            }
            for (int layer = 0; layer < weights.size(); layer++) {
                double[] y = new double[biases.get(layer).length];
                for (int o = 0; o < y.length; o++) {
                    y[o] = biases.get(layer)[o];
                    for (int i = 0; i < x.length; i++) {
                        y[o] += weights.get(layer)[o][i] * x[i];
                    }
                    y[o] = layer < weights.size() - 1 ? Math.max(0, y[o]) : y[o];
                }
                x = y;
            }
            double max = Math.max(x[0], Math.max(x[1], x[2]));
            double sum = 0;
            for (double logit : x) {
                sum += Math.exp(logit - max);
            }
            for (int c = 0; c < 3; c++) {
                assertEquals(Math.exp(x[c] - max) / sum,
                        predictions.get(r).probabilities().get(descriptor.classes().get(c)), 1e-4, "row " + r);
            }
        }
    }

    @Test
    void eachBadFieldIsNamedWithItsInput() {
        Map<String, Object> good = input(rows(DATA).get(0));
        Map<String, Object> missing = new LinkedHashMap<>(good);
        missing.remove("x2");
        Map<String, Object> text = new LinkedHashMap<>(good);
        text.put("x1", "12.5");
        Map<String, Object> notFinite = new LinkedHashMap<>(good);
        notFinite.put("x3", Double.NaN);
        Map<String, Object> infinite = new LinkedHashMap<>(good);
        infinite.put("x1", Double.POSITIVE_INFINITY);
        Map<String, Object> bool = new LinkedHashMap<>(good);
        bool.put("x2", true);

        InvalidInputException problem = assertThrows(InvalidInputException.class,
                () -> model.predict(List.of(good, missing, text, notFinite, infinite, bool)));

        assertEquals(List.of("inputs[1].x2", "inputs[2].x1", "inputs[3].x3", "inputs[4].x1", "inputs[5].x2"),
                problem.problems().stream().map(InvalidInputException.Problem::field).toList());
        assertTrue(problem.problems().get(0).message().contains("missing"), problem.problems().toString());
        assertTrue(problem.problems().get(1).message().contains("must be a number"), problem.problems().toString());
        assertTrue(problem.problems().get(2).message().contains("finite"), problem.problems().toString());
        assertTrue(problem.problems().get(4).message().contains("a boolean"), problem.problems().toString());
    }

    @Test
    void predictsFromManyThreadsAtOnce() throws Exception {
        List<Map<String, Object>> inputs = rows(DATA).subList(0, 64).stream().map(TabularPredictionTest::input).toList();
        List<Prediction> serial = model.predict(inputs);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Prediction>>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(threads.submit(() -> model.predict(inputs)));
            }
            for (Future<List<Prediction>> result : results) {
                assertEquals(serial, result.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anArtifactWithoutDescriptorIsNotAModel(@TempDir Path empty) {
        ModelLoader loader = new RecipeModelLoader(List.of(new TabularClassificationRecipe(OBJECT_MAPPER)), OBJECT_MAPPER);
        assertTrue(assertThrows(java.io.IOException.class, () -> loader.load(empty)).getMessage().contains("model.json"));
        assertNull(trained.baseModel());
    }

    private static ModelCard.Field number(String name) {
        return new ModelCard.Field(name, ModelCard.Field.NUMBER, null);
    }

    /** The data rows, cells split: x1, label, x2, x3. */
    private static List<String[]> rows(String csv) {
        List<String> lines = csv.lines().skip(1).toList();
        return lines.stream().map(line -> line.split(",")).toList();
    }

    private static Map<String, Object> input(String[] row) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("x1", Double.parseDouble(row[0]));
        input.put("x2", Double.parseDouble(row[2]));
        input.put("x3", Double.parseDouble(row[3]));
        return input;
    }
}
