package io.finetune.trainer.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.trainer.support.TestDatasets;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains for real with DJL PyTorch. A @QuarkusTest rather than a plain unit test: the PyTorch
 * natives can be loaded by one class loader per JVM only, and the Quarkus tests load them too.
 */
@QuarkusTest
class TabularClassificationRecipeTest {

    @Inject
    TabularClassificationRecipe recipe;

    @Inject
    ObjectMapper objectMapper;

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
        JsonNode descriptor = objectMapper.readTree(outputDir.resolve(TabularClassificationRecipe.DESCRIPTOR_FILE).toFile());
        assertEquals(List.of("setosa", "versicolor", "virginica"),
                objectMapper.convertValue(descriptor.get("classes"), List.class));
        assertEquals(List.of("x1", "x2", "x3"), objectMapper.convertValue(descriptor.get("features"), List.class));
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
        assertTrue(Files.exists(checkpoint.resolve(TabularClassificationRecipe.CHECKPOINT_FILE)));

        List<EpochMetrics> resumed = new ArrayList<>();
        Path second = Files.createDirectory(outputDir.resolve("second"));
        TrainingResult result = recipe.train(new TrainingRequest(UUID.randomUUID(), 2, 4,
                Map.of("seed", 11, "learningRate", 0.01), new Checkpoint(2, checkpoint)), csv(data), second,
                (m, state) -> resumed.add(m));

        assertEquals(List.of(3, 4), resumed.stream().map(EpochMetrics::epoch).toList());
        // It goes on from the checkpoint's weights: far below where a fresh model starts
        assertTrue(resumed.get(0).trainLoss() < fresh.get(0).trainLoss() / 2, fresh + " then " + resumed);
        assertTrue(result.finalMetrics().validationAccuracy() >= 0.9);
        assertTrue(Files.exists(second.resolve("model-0004.params")));
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
        return new TrainingRequest(UUID.randomUUID(), 1, epochs, Map.of("seed", 11, "learningRate", 0.01), null);
    }

    private static InputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
