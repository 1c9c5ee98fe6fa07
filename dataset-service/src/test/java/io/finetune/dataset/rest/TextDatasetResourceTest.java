package io.finetune.dataset.rest;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.finetune.dataset.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A dataset's schema ({@code kind}) in its API view, through the real store and database. */
@QuarkusTest
class TextDatasetResourceTest {

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void gzippedJsonLinesOfTextIsATextDataset() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            jsonl.append("{\"text\": \"the parcel arrived ").append(i % 2 == 0 ? "early, thanks" : "broken")
                    .append("\", \"label\": \"").append(i % 2 == 0 ? "happy" : "unhappy").append("\"}\n");
        }
        String owner = Api.newOwner();
        String id = Api.uploadSingle(owner, Api.newName(), gzip(jsonl.toString())).statusCode(200)
                .body("status", equalTo("validated"))
                .body("kind", equalTo("text"))
                .body("format", equalTo("jsonl+gzip"))
                .body("columns", contains("text", "label"))
                .body("classCounts.happy", equalTo(6))
                .extract().path("id");
        Api.get(owner, id).statusCode(200).body("kind", equalTo("text"));
    }

    @Test
    void numericFeaturesAreATabularDataset() throws Exception {
        StringBuilder csv = new StringBuilder("temperature,vibration,label\n");
        for (int i = 0; i < 12; i++) {
            csv.append(60 + i).append(",0.").append(i).append(',').append(i % 2 == 0 ? "ok" : "fail").append('\n');
        }
        Api.uploadSingle(Api.newOwner(), Api.newName(), csv.toString().getBytes(StandardCharsets.UTF_8)).statusCode(200)
                .body("status", equalTo("validated"))
                .body("kind", equalTo("tabular"));
    }

    @Test
    void rejectedTextSaysWhereAndWhatToFix() throws Exception {
        String csv = "text,label\n" + "\"fine, really\",good\n".repeat(6) + ",bad\n" + "meh,bad\n".repeat(5);
        Api.uploadSingle(Api.newOwner(), Api.newName(), csv.getBytes(StandardCharsets.UTF_8)).statusCode(200)
                .body("status", equalTo("rejected"))
                .body("kind", equalTo("text"))
                .body("problems", hasItem(Map.of("line", 8, "column", "text",
                        "message", "the text is empty; give every row the text to classify, or remove the row")));
    }

    @Test
    void kindIsUnknownBeforeValidation() {
        String owner = Api.newOwner();
        String id = Api.create(owner, Api.newName(), null, null).statusCode(201).extract().path("id");
        Api.get(owner, id).statusCode(200).body("kind", nullValue());
    }
}
