package io.finetune.recipes.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.recipes.InvalidInputException;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.RecipeModelLoader;
import io.finetune.recipes.TrainedModel;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.finetune.recipes.support.TestDatasets;
import io.finetune.recipes.tabular.TabularClassificationRecipe;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text recipe with the real all-MiniLM-L6-v2 encoder: trained on generated sentences, loaded, asked. */
class TextClassificationRecipeTest {

    private final ObjectMapper objectMapper = new ObjectMapper();
    private final TextClassificationRecipe recipe = new TextClassificationRecipe(objectMapper, new SentenceEncoder());

    @TempDir
    Path outputDir;

    @Test
    void learnsThreeTopicsAndPredictsNewSentencesThroughTheLoader() throws IOException {
        TrainingResult result = recipe.train(new TrainingRequest(UUID.randomUUID(), 1, 5, Map.of("maxTextLength", 300),
                null, null), csv(TestDatasets.sentences(240, 1)), outputDir, (m, state) -> { });

        assertTrue(result.finalMetrics().validationAccuracy() >= 0.9, result.finalMetrics().toString());
        ModelCard card = result.card(10, "cpu", "s3://models/j/attempt-1/");
        assertEquals("text-classification", card.recipe());
        assertEquals("all-MiniLM-L6-v2", card.baseModel());
        assertEquals(Map.of("learningRate", 0.005, "batchSize", 32, "hiddenUnits", 128, "validationSplit", 0.2,
                "seed", 42, "maxTextLength", 300), card.hyperparameters());
        assertEquals(new ModelCard.ModelSchema(List.of(new ModelCard.Field("text", ModelCard.Field.TEXT, 300)),
                List.of("computing", "cooking", "sports")), card.schema());
        assertEquals(3, card.classes().size());

        Random random = new Random(99);
        List<Map<String, Object>> inputs = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int topic = i % 3;
            inputs.add(Map.of("text", TestDatasets.sentence(topic, random)));
            expected.add(TestDatasets.topicLabel(topic));
        }
        try (TrainedModel model = new RecipeModelLoader(List.of(new TabularClassificationRecipe(objectMapper), recipe),
                objectMapper).load(outputDir)) {
            assertEquals(card.schema(), model.schema());
            List<Prediction> predictions = model.predict(inputs);
            long correct = 0;
            for (int i = 0; i < inputs.size(); i++) {
                correct += expected.get(i).equals(predictions.get(i).label()) ? 1 : 0;
            }
            assertTrue(correct >= 27, correct + " of 30 new sentences right: " + predictions);

            Map<String, Object> tooLong = Map.of("text", "word ".repeat(61));
            Map<String, Object> number = Map.of("text", 42);
            Map<String, Object> missing = new HashMap<>();
            InvalidInputException problem = assertThrows(InvalidInputException.class,
                    () -> model.predict(List.of(inputs.get(0), tooLong, number, missing)));
            assertEquals(List.of("inputs[1].text", "inputs[2].text", "inputs[3].text"),
                    problem.problems().stream().map(InvalidInputException.Problem::field).toList());
            assertTrue(problem.problems().get(0).message().contains("305 characters long; at most 300"),
                    problem.problems().toString());
        }
    }

    @Test
    void aTextLongerThanTheLimitAMissingColumnOrTooFewRowsSaySoAndWhere() {
        String data = "text,label\n" + "\"short, fine\",a\n".repeat(5) + "\"" + "x".repeat(40) + "\",b\n";
        assertEquals("Line 7: the text is 40 characters long; maxTextLength is 30.",
                assertThrows(TrainingInputException.class, () -> recipe.train(new TrainingRequest(UUID.randomUUID(), 1,
                        1, Map.of("maxTextLength", 30), null, null), csv(data), outputDir, (m, s) -> { })).getMessage());
        assertEquals("The header needs a 'text' and a 'label' column.",
                assertThrows(TrainingInputException.class, () -> recipe.train(new TrainingRequest(UUID.randomUUID(), 1,
                        1, Map.of(), null, null), csv("sentence,label\nhi,a\n"), outputDir, (m, s) -> { })).getMessage());
        assertEquals("The dataset has 2 data rows; at least 10 are needed.",
                assertThrows(TrainingInputException.class, () -> recipe.train(new TrainingRequest(UUID.randomUUID(), 1,
                        1, Map.of(), null, null), csv("text,label\n\"hi, there\",a\nbye,b\n"), outputDir, (m, s) -> { }))
                        .getMessage());
        assertTrue(Files.notExists(outputDir.resolve("model.json")));
    }

    private static InputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
