package io.finetune.dataset.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ValidationProblem;
import io.finetune.common.recipes.Recipe;
import io.finetune.dataset.entity.DatasetKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The text-classification schema ({@code text}, {@code label}) next to the tabular one, in every format. */
class TextDatasetValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT = Recipe.TEXT_CLASSIFICATION.defaults().get("maxTextLength").intValue();

    private final DatasetValidator validator = new DatasetValidator(DatasetValidatorTest.MAX_BYTES);

    /** Reviews with quoted commas, doubled quotes, a line break inside a text and non-ASCII text. */
    static String textCsv(int rows) {
        StringBuilder csv = new StringBuilder("text,label\n");
        IntStream.range(0, rows).forEach(i -> csv.append(switch (i % 4) {
            case 0 -> "\"Great, would buy again \"\"really\"\"\",positive\n";
            case 1 -> "Broke after a day,negative\n";
            case 2 -> "\"Works fine.\nShipping was slow\",positive\n";
            default -> "Très décevant 😞,negative\n";
        }));
        return csv.toString();
    }

    static String textJsonLines(int rows) throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            jsonl.append(JSON.writeValueAsString(Map.of("text", "review number " + i + ", \"quoted\"",
                    "label", i % 2 == 0 ? "positive" : "negative"))).append('\n');
        }
        return jsonl.toString();
    }

    private Validation validate(String text) throws IOException {
        return validator.validate(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void textCsvIsATextDataset() throws IOException {
        Validation result = validate(textCsv(12));
        assertTrue(result.valid(), () -> "problems: " + result.problems());
        assertEquals(DatasetKind.TEXT, result.kind());
        assertEquals(12L, result.rows());
        assertEquals(List.of("text", "label"), result.columns());
        assertEquals(Map.of("positive", 6L, "negative", 6L), result.classCounts());
        assertEquals("csv", result.format());
    }

    @Test
    void tabularCsvIsATabularDataset() throws IOException {
        Validation result = validate(DatasetValidatorTest.goodCsv(12));
        assertTrue(result.valid(), () -> "problems: " + result.problems());
        assertEquals(DatasetKind.TABULAR, result.kind());
    }

    @Test
    void textJsonLinesPlainAndGzipped() throws IOException {
        String jsonl = textJsonLines(11);
        Validation plain = validate(jsonl);
        assertTrue(plain.valid(), () -> "problems: " + plain.problems());
        assertEquals(DatasetKind.TEXT, plain.kind());
        assertEquals("jsonl", plain.format());

        Validation gzipped = validator.validate(new ByteArrayInputStream(gzip(jsonl)));
        assertTrue(gzipped.valid(), () -> "problems: " + gzipped.problems());
        assertEquals(DatasetKind.TEXT, gzipped.kind());
        assertEquals("jsonl+gzip", gzipped.format());
        assertEquals(11L, gzipped.rows());
        assertEquals(plain.classCounts(), gzipped.classCounts());
    }

    @Test
    void gzippedTextCsv() throws IOException {
        Validation result = validator.validate(new ByteArrayInputStream(gzip(textCsv(10))));
        assertTrue(result.valid(), () -> "problems: " + result.problems());
        assertEquals(DatasetKind.TEXT, result.kind());
        assertEquals("csv+gzip", result.format());
    }

    @Test
    void textOverTheRecipesLimitNamesLineAndColumn() throws IOException {
        String limit = "é".repeat(MAX_TEXT); // exactly the limit, in characters that take 2 bytes: accepted
        String csv = textCsv(10) + "\"" + "x".repeat(MAX_TEXT + 1) + "\",positive\n" + limit + ",negative\n";
        Validation result = validate(csv);
        assertEquals(DatasetKind.TEXT, result.kind());
        assertEquals(List.of(new ValidationProblem(14L, "text", "the text has " + (MAX_TEXT + 1)
                + " characters, more than the " + MAX_TEXT + " the text-classification recipe reads (maxTextLength);"
                + " shorten it, or split it into several rows of the same label")), result.problems(),
                "line 14: the header, 10 rows of which two span two lines each, then the long text");
    }

    @Test
    void charactersOutsideTheBasicPlaneCountOnce() throws IOException {
        String emoji = "😞".repeat(MAX_TEXT); // 2 UTF-16 units each, 1 character
        Validation result = validate(textCsv(10) + emoji + ",negative\n");
        assertTrue(result.valid(), () -> "problems: " + result.problems());
    }

    @Test
    void emptyTextNamesLineAndColumnInCsvAndJsonLines() throws IOException {
        Validation csv = validate(textCsv(10) + ",positive\n\"   \",negative\n"); // lines 14 and 15
        assertEquals(List.of(
                new ValidationProblem(14L, "text", "the text is empty; give every row the text to classify, or remove the row"),
                new ValidationProblem(15L, "text", "the text is empty; give every row the text to classify, or remove the row")),
                csv.problems());

        Validation jsonl = validate(textJsonLines(10) + "{\"text\": null, \"label\": \"positive\"}\n");
        ValidationProblem problem = jsonl.problems().get(0);
        assertEquals(1, jsonl.problems().size(), () -> "problems: " + jsonl.problems());
        assertEquals(11L, problem.line());
        assertEquals("text", problem.column());
    }

    @Test
    void textDatasetWithOtherColumnsSaysWhichToRemove() throws IOException {
        Validation result = validate(textCsv(10).replaceFirst("text,label", "id,text,label")
                .lines().map(l -> l.startsWith("id") || l.isEmpty() ? l : "7," + l).reduce("", (a, l) -> a + l + "\n"));
        assertEquals(DatasetKind.TEXT, result.kind());
        ValidationProblem problem = result.problems().get(0);
        assertEquals(1L, problem.line());
        assertNull(problem.column());
        assertTrue(problem.message().contains("only the columns 'text' and 'label', but this header also has id;"
                + " remove those columns"), problem.message());
    }

    @Test
    void textDatasetKeepsTheLabelChecks() throws IOException {
        Validation result = validate("text,label\n" + "a review,positive\n".repeat(9) + "another,negative\n");
        ValidationProblem problem = result.problems().get(0);
        assertEquals(1, result.problems().size(), () -> "problems: " + result.problems());
        assertEquals("label", problem.column());
        assertTrue(problem.message().contains("'negative' (line 11)"), problem.message());

        Validation missingLabel = validate(textCsv(10).replaceFirst("text,label", "text,Label"));
        assertTrue(missingLabel.problems().get(0).message().contains("rename 'Label' to 'label'"),
                () -> "problems: " + missingLabel.problems());
    }
}
