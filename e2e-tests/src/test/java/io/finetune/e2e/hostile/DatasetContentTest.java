package io.finetune.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.e2e.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a dataset holds is data, never code: spreadsheet formulas in cells and column names come back
 * only as JSON string values, and a small gzip file that expands far beyond the dataset limit is
 * stopped by validation with a clear problem, without exhausting the service.
 */
class DatasetContentTest {

    /** dataset-service's dataset.max-bytes as packaged (10 GiB): what a file may expand to. */
    private static final long MAX_BYTES = 10L * 1024 * 1024 * 1024;
    private static final List<String> FORMULAS = List.of("=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "=1+1");

    private static Platform platform;
    private static Api api;
    private final String user = "content-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.shared();
        api = new Api(platform.gatewayUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceLogs.assertNoSecrets();
    }

    @Test
    void spreadsheetFormulasComeBackOnlyAsJsonStrings() {
        // formulas as a column name, as labels (valid: labels are text) and as feature values (a problem each)
        StringBuilder csv = new StringBuilder("f0,\"" + FORMULAS.get(0).replace("\"", "\"\"") + "\",label\n");
        for (int i = 0; i < 40; i++) {
            String label = FORMULAS.get(1 + i % 2);
            csv.append(i).append(',').append(i % 7).append(",\"").append(label.replace("\"", "\"\"")).append("\"\n");
        }
        JsonNode accepted = api.upload(user, "formulas", csv.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder bad = new StringBuilder("f0,f1,label\n");
        for (int i = 0; i < 20; i++) {
            bad.append('"').append(FORMULAS.get(i % FORMULAS.size()).replace("\"", "\"\"")).append("\",1,").append(i % 2).append('\n');
        }
        JsonNode rejected = api.upload(user, "formula-values", bad.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals("rejected", rejected.path("status").asText(), rejected.toString());

        List<String> checked = new ArrayList<>();
        for (String path : List.of("/api/v1/datasets/" + accepted.path("id").asText(), "/api/v1/datasets/" + rejected.path("id").asText(),
                "/api/v1/datasets")) {
            Api.Answer answer = api.get(user, path);
            assertEquals(200, answer.status());
            assertTrue(answer.contentType().startsWith("application/json"), path + ": " + answer.contentType());
            assertFalse(answer.headers().containsKey("content-disposition"), path + " is not a download");
            // every formula the API repeats sits inside a JSON string: a client renders it as text
            for (String formula : FORMULAS) {
                List<String> hits = new ArrayList<>();
                collectStrings(answer.json(), formula, hits);
                if (answer.body().contains(formula.replace("\"", "\\\"")) || answer.body().contains(formula)) {
                    assertFalse(hits.isEmpty(), path + " repeats " + formula + " outside a JSON string");
                    checked.add(path + " " + formula);
                }
            }
        }
        assertFalse(checked.isEmpty(), "the API shows the dataset's column names, labels and problems");
        System.out.printf("[content] %d formula values shown by the API, each only as JSON string data; the API has no"
                + " CSV/spreadsheet export to neutralise them in%n", checked.size());
    }

    @Test
    void aGzipBombIsStoppedByValidationWithAClearProblem() throws IOException {
        byte[] bomb = gzipBomb(MAX_BYTES + MAX_BYTES / 8);
        Api.Answer created = api.post(user, "/api/v1/datasets", Map.of("name", "bomb", "upload", "single"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("id").asText();
        assertEquals(200, api.putRaw(created.json().path("uploadUrl").asText(), bomb).statusCode());
        Instant started = Instant.now();
        Api.Answer completed = api.send(user, "POST", "/api/v1/datasets/" + id + "/complete", null, null, Map.of(),
                Duration.ofSeconds(150));
        JsonNode dataset = completed.status() >= 200 && completed.status() < 300 ? completed.json() : null;
        while ((dataset == null || dataset.path("status").asText().equals("validating"))
                && Duration.between(started, Instant.now()).compareTo(Duration.ofSeconds(90)) < 0) {
            Api.sleep(2000);
            dataset = api.get(user, "/api/v1/datasets/" + id).json();
        }
        System.out.printf("[content] gzip bomb of %d bytes expanding to %d: complete -> %d, after %d s status %s, problems %s%n",
                bomb.length, MAX_BYTES + MAX_BYTES / 8, completed.status(), Duration.between(started, Instant.now()).toSeconds(),
                dataset == null ? null : dataset.path("status").asText(), dataset == null ? null : dataset.path("problems"));
        assertTrue(completed.status() < 500, "complete: " + completed.status() + " " + completed.body());
        assertEquals("rejected", dataset.path("status").asText(), dataset.toString());
        assertTrue(dataset.path("problems").toString().toLowerCase().matches(".*(limit|expand|too large|larger).*"),
                "the problem says the file expands beyond the limit: " + dataset.path("problems"));
    }

    /**
     * Concatenated gzip members (a valid gzip file): a header, then one compressed 64 MiB block of valid
     * rows repeated until the expanded size exceeds {@code expanded}. About 1,000:1.
     */
    private static byte[] gzipBomb(long expanded) throws IOException {
        byte[] rows = "1,2,a\n3,4,b\n".repeat(64 * 1024 * 1024 / 12).getBytes(StandardCharsets.US_ASCII);
        byte[] block = gzip(rows);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gzip("f0,f1,label\n".getBytes(StandardCharsets.US_ASCII)));
        for (long total = 0; total <= expanded; total += rows.length) {
            out.write(block);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static void collectStrings(JsonNode node, String needle, List<String> hits) {
        if (node.isTextual() && node.asText().contains(needle)) {
            hits.add(node.asText());
        }
        node.forEach(child -> collectStrings(child, needle, hits));
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                if (name.contains(needle)) {
                    hits.add(name);
                }
            });
        }
    }
}
