package io.finetune.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.recipes.support.TestDatasets;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Laptop mode: a local CSV in, epochs printed, a model folder out. */
@QuarkusTest
class LocalTrainingTest {

    @Inject
    LocalTraining localTraining;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void trainsALocalFileAndWritesTheModel() throws Exception {
        Path csv = Files.writeString(dir.resolve("data.csv"), TestDatasets.blobs(300, 2));
        Path model = dir.resolve("model");

        int code = run("--dataset", csv.toString(), "--recipe", "tabular-classification", "--epochs", "3",
                "--output", model.toString(), "--param", "batchSize=16", "--param", "learningRate=0.01");

        assertEquals(0, code, text(err));
        String printed = text(out);
        assertTrue(printed.contains("epoch 1/3  train loss") && printed.contains("epoch 3/3"), printed);
        assertTrue(printed.contains("model: " + model.toAbsolutePath()), printed);
        assertTrue(printed.contains("batchSize=16"), printed);
        assertTrue(Files.exists(model.resolve("model-0003.params")));
        assertTrue(Files.readString(model.resolve("model.json")).contains("\"batchSize\" : 16"));
    }

    @Test
    void trainsATextFileWithTheTextRecipe() throws Exception {
        Path csv = Files.writeString(dir.resolve("texts.csv"), TestDatasets.sentences(120, 3));
        Path model = dir.resolve("text-model");

        int code = run("--dataset", csv.toString(), "--recipe", "text-classification", "--epochs", "2",
                "--output", model.toString(), "--param", "maxTextLength=200");

        assertEquals(0, code, text(err));
        String printed = text(out);
        assertTrue(printed.contains("epoch 2/2  train loss") && printed.contains("maxTextLength=200"), printed);
        assertTrue(Files.readString(model.resolve("model.json")).contains("\"baseModel\" : \"all-MiniLM-L6-v2\""));
    }

    @Test
    void badArgumentsAndBadDataSayWhatIsWrong() throws Exception {
        assertEquals(2, run("--dataset", "x.csv", "--epochs", "many"));
        assertTrue(text(err).contains("not a number") && text(err).contains("usage:"), text(err));

        err.reset();
        assertEquals(2, run("--dataset", "x.csv", "--recipe", "poetry"));
        assertTrue(text(err).contains("unknown recipe 'poetry'"), text(err));

        err.reset();
        Path oneClass = Files.writeString(dir.resolve("one.csv"), "x,label\n" + "1,a\n".repeat(20));
        assertEquals(1, run("--dataset", oneClass.toString(), "--output", dir.resolve("m").toString()));
        assertTrue(text(err).contains("only one value"), text(err));
    }

    private int run(String... args) {
        return localTraining.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
