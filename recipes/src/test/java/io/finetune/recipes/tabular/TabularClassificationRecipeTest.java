package io.finetune.recipes.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.recipes.Checkpoint;
import io.finetune.recipes.EpochMetrics;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import io.finetune.recipes.support.TestDatasets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains for real with DJL PyTorch. */
class TabularClassificationRecipeTest {

    private final ObjectMapper objectMapper = new ObjectMapper();
    private final TabularClassificationRecipe recipe = new TabularClassificationRecipe(objectMapper);

    @TempDir
    Path outputDir;

    @Test
    void learnsSeparableClassesAndSavesTheModel() throws IOException {
        List<EpochMetrics> epochs = new ArrayList<>();
        TrainingResult result = recipe.train(request(6), csv(TestDatasets.blobs(400, 7)), outputDir, (m, state) -> epochs.add(m));

        assertEquals(List.of(1, 2, 3, 4, 5, 6), epochs.stream().map(EpochMetrics::epoch).toList());
        EpochMetrics last = epochs.get(5);
        assertEquals(last, result.finalMetrics());
        assertTrue(last.validationAccuracy() >= 0.9, "validation accuracy " + last.validationAccuracy());
        assertTrue(last.trainLoss() < epochs.get(0).trainLoss(), "loss falls: " + epochs);
        assertTrue(last.samplesPerSecond() > 0 && last.remainingMillis() == 0);

        assertTrue(Files.exists(outputDir.resolve("model-0006.params")));
        JsonNode descriptor = objectMapper.readTree(outputDir.resolve(MlpClassificationRecipe.DESCRIPTOR_FILE).toFile());
        assertEquals(List.of("setosa", "versicolor", "virginica"),
                objectMapper.convertValue(descriptor.get("classes"), List.class));
        assertEquals(List.of("x1", "x2", "x3"), descriptor.get("inputs").findValuesAsText("name"));
        assertEquals(3, descriptor.at("/normalization/means").size());
        assertTrue(descriptor.at("/normalization/means/2").asDouble() > 500, "x3 mean is on its own scale");
        assertEquals(11, descriptor.at("/hyperparameters/seed").asInt());
        assertEquals(last.validationAccuracy(), descriptor.at("/metrics/validationAccuracy").asDouble());
    }

    @Test
    void sameSeedSameResult() throws IOException {
        EpochMetrics first = recipe.train(request(2), csv(TestDatasets.blobs(200, 3)), Files.createTempDirectory(outputDir, "a"),
                (m, state) -> { }).finalMetrics();
        EpochMetrics second = recipe.train(request(2), csv(TestDatasets.blobs(200, 3)), Files.createTempDirectory(outputDir, "b"),
                (m, state) -> { }).finalMetrics();
        assertEquals(first.validationLoss(), second.validationLoss(), 1e-6);
        assertEquals(first.trainAccuracy(), second.trainAccuracy(), 1e-9);
    }

    @Test
    void resumesFromACheckpointAtTheNextEpochWithItsWeights() throws IOException {
        String data = TestDatasets.blobs(300, 5);
        Path checkpoint = Files.createDirectory(outputDir.resolve("checkpoint"));
        List<EpochMetrics> fresh = new ArrayList<>();
        recipe.train(request(2), csv(data), Files.createDirectory(outputDir.resolve("first")), (m, state) -> {
            fresh.add(m);
            if (m.epoch() == 2) {
                state.writeCheckpoint(checkpoint);
            }
        });
        assertTrue(Files.exists(checkpoint.resolve("model-0002.params")));
        assertTrue(Files.exists(checkpoint.resolve(MlpClassificationRecipe.CHECKPOINT_FILE)));

        List<EpochMetrics> resumed = new ArrayList<>();
        Path second = Files.createDirectory(outputDir.resolve("second"));
        TrainingResult result = recipe.train(new TrainingRequest(UUID.randomUUID(), 2, 4,
                Map.of("seed", 11, "learningRate", 0.01), new Checkpoint(2, checkpoint), null), csv(data), second,
                (m, state) -> resumed.add(m));

        assertEquals(List.of(3, 4), resumed.stream().map(EpochMetrics::epoch).toList());
        // It goes on from the checkpoint's weights: far below where a fresh model starts
        assertTrue(resumed.get(0).trainLoss() < fresh.get(0).trainLoss() / 2, fresh + " then " + resumed);
        assertTrue(result.finalMetrics().validationAccuracy() >= 0.9);
        assertTrue(Files.exists(second.resolve("model-0004.params")));
    }

    @Test
    void theResultCarriesEverythingTheModelCardNeeds() throws IOException {
        TrainingResult result = recipe.train(request(3), csv(TestDatasets.blobs(300, 4)), outputDir, (m, state) -> { });

        ModelCard card = result.card(1234, "cpu", "s3://models/job/attempt-1/");
        assertEquals("tabular-classification", card.recipe());
        assertNull(card.baseModel());
        // Every hyperparameter, the defaults filled in
        assertEquals(Map.of("learningRate", 0.01, "batchSize", 32, "hiddenUnits", 64, "validationSplit", 0.2, "seed", 11),
                card.hyperparameters());
        assertEquals(11, card.seed());
        assertEquals(Set.of(ModelCard.VALIDATION_ACCURACY, ModelCard.VALIDATION_LOSS, ModelCard.TRAIN_ACCURACY,
                ModelCard.TRAIN_LOSS), card.metrics().keySet());
        assertEquals(result.finalMetrics().validationAccuracy(), card.metrics().get(ModelCard.VALIDATION_ACCURACY));
        assertEquals(List.of("setosa", "versicolor", "virginica"),
                card.classes().stream().map(ModelCard.ClassMetrics::label).toList());
        // 300 rows, 20 % held out
        assertEquals(60, card.classes().stream().mapToLong(ModelCard.ClassMetrics::support).sum());
        for (ModelCard.ClassMetrics c : card.classes()) {
            assertTrue(c.precision() > 0.8 && c.recall() > 0.8, c.toString());
            assertEquals(2 * c.precision() * c.recall() / (c.precision() + c.recall()), c.f1(), 1e-9);
        }
        assertEquals(List.of("x1", "x2", "x3"), card.schema().inputs().stream().map(ModelCard.Field::name).toList());
        assertEquals(card.schema().labels(), List.of("setosa", "versicolor", "virginica"));
        assertEquals(1234, card.durationMillis());
        assertEquals("cpu", card.hardware());
        assertEquals("s3://models/job/attempt-1/", card.artifactUri());
        assertNull(card.warmStartedFrom());
    }

    @Test
    void aWarmStartBeginsFromThePreviousVersionAndBeatsAColdStart() throws IOException {
        Path previous = Files.createDirectory(outputDir.resolve("previous"));
        recipe.train(request(6), csv(TestDatasets.blobs(400, 7)), previous, (m, state) -> { });

        // A retrain on new data of the same kind, with a slow learning rate so that one epoch shows the start
        String data = TestDatasets.blobs(400, 8);
        Map<String, Object> slow = Map.of("seed", 3, "learningRate", 0.001);
        List<EpochMetrics> cold = new ArrayList<>();
        TrainingResult coldResult = recipe.train(new TrainingRequest(UUID.randomUUID(), 1, 1, slow, null, null),
                csv(data), Files.createDirectory(outputDir.resolve("cold")), (m, state) -> cold.add(m));
        List<EpochMetrics> warm = new ArrayList<>();
        TrainingResult warmResult = recipe.train(new TrainingRequest(UUID.randomUUID(), 1, 1, slow, null,
                new TrainingRequest.WarmStart("s3://models/previous/attempt-1/", previous)), csv(data),
                Files.createDirectory(outputDir.resolve("warm")), (m, state) -> warm.add(m));

        assertNull(coldResult.warmStartedFrom());
        assertEquals("s3://models/previous/attempt-1/", warmResult.warmStartedFrom());
        assertTrue(warm.get(0).validationAccuracy() >= cold.get(0).validationAccuracy(), warm + " vs " + cold);
        assertTrue(warm.get(0).trainLoss() < cold.get(0).trainLoss(), warm + " vs " + cold);
        assertTrue(warm.get(0).validationAccuracy() >= 0.9, warm.toString());
    }

    @Test
    void aPreviousVersionOfAnotherSchemaIsNotWarmStartedFrom() throws IOException {
        Path previous = Files.createDirectory(outputDir.resolve("previous"));
        recipe.train(request(1), csv(TestDatasets.blobs(100, 7)), previous, (m, state) -> { });
        // Without x3: another input schema
        String twoFeatures = TestDatasets.blobs(100, 8).lines().map(line -> line.substring(0, line.lastIndexOf(',')))
                .reduce("", (a, b) -> a + b + "\n");

        TrainingResult result = recipe.train(new TrainingRequest(UUID.randomUUID(), 1, 1, Map.of(), null,
                new TrainingRequest.WarmStart("s3://models/previous/attempt-1/", previous)), csv(twoFeatures),
                Files.createDirectory(outputDir.resolve("next")), (m, state) -> { });

        assertNull(result.warmStartedFrom());
        assertEquals(List.of("x1", "x2"), result.schema().inputs().stream().map(ModelCard.Field::name).toList());
    }

    @Test
    void nonNumericFeatureSaysWhere() {
        TrainingInputException problem = assertThrows(TrainingInputException.class, () -> recipe.train(request(1),
                csv(TestDatasets.withTextInX2(50, 1, 4)), outputDir, (m, state) -> { }));
        assertEquals("Line 5, column 'x2': 'twelve' is not a number; every feature column must be numeric.",
                problem.getMessage());
    }

    @Test
    void missingLabelColumnAndSingleClassAreDataProblems() {
        assertEquals("The header has no 'label' column.", assertThrows(TrainingInputException.class,
                () -> recipe.train(request(1), csv("a,b\n1,2\n"), outputDir, (m, state) -> { })).getMessage());
        String oneClass = "x,label\n" + "1,a\n".repeat(20);
        assertTrue(assertThrows(TrainingInputException.class,
                () -> recipe.train(request(1), csv(oneClass), outputDir, (m, state) -> { })).getMessage()
                .contains("only one value"));
    }

    private static TrainingRequest request(int epochs) {
        return new TrainingRequest(UUID.randomUUID(), 1, epochs, Map.of("seed", 11, "learningRate", 0.01), null, null);
    }

    private static InputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
