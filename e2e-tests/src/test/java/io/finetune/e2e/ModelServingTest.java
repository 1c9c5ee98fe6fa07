package io.finetune.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model trained by the quickstart answers predictions through the gateway, equal to those computed
 * offline from its artifact (examples/predict-check), and a retrain of the same model takes over as
 * version 2 by itself: trainer -> scheduler (registers the version) -> models.events ->
 * serving-service (loads, checks, swaps) -> gateway.
 */
class ModelServingTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path QUICKSTART_DATA = ROOT.resolve("examples/data/machine-health.csv");
    private static final Map<String, Object> NORMAL_READING =
            Map.of("temperature", 34.5, "vibration", 0.22, "pressure", 102.2, "humidity", 41.9);

    private static Platform platform;
    private final String user = "user-" + UUID.randomUUID();

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = Platform.shared();
    }


    @Test
    void aTrainedModelAnswersAndItsRetrainTakesOverAsVersion2() throws Exception {
        // Version 1: the quickstart as a user runs it (the model is named after the job)
        Result quickstart = run("examples/quickstart", "--epochs", "2", "--name", "health");
        assertEquals(0, quickstart.exit(), quickstart.output());
        JsonPath first = awaitVersion("health", 1);
        assertEquals("health", first.getString("model"));
        List<Map<String, Object>> predictions = first.getList("predictions");
        assertEquals(2, predictions.size());
        for (Map<String, Object> p : predictions) {
            @SuppressWarnings("unchecked")
            Map<String, Number> probabilities = (Map<String, Number>) p.get("probabilities");
            assertEquals(Set.of("normal", "overheating", "bearing-wear"), probabilities.keySet(),
                    "the classes of the quickstart's dataset: " + p);
            assertEquals(1.0, probabilities.values().stream().mapToDouble(Number::doubleValue).sum(), 1e-3);
            assertTrue(probabilities.containsKey((String) p.get("label")));
        }
        // The example client: served predictions equal those computed offline from the same artifact
        Result check = run("examples/predict-check", "--model", "health", "--s3", Platform.S3);
        System.out.print(check.output());
        assertEquals(0, check.exit(), check.output());
        assertTrue(check.output().contains("PASS: 32 of 32 predictions equal the offline ones"), check.output());

        // A field the model cannot read is named in the 422
        api().contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("temperature", "hot", "vibration", 0.2, "pressure", 100.0, "humidity", 40.0))))
                .post("/api/v1/models/health/predict").then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", equalTo(List.of("inputs[0].temperature")));
        // Another user has no such model
        given().baseUri(platform.gatewayUrl()).header("X-User", "someone-else-" + UUID.randomUUID())
                .contentType(ContentType.JSON).body(Map.of("inputs", List.of(NORMAL_READING)))
                .post("/api/v1/models/health/predict").then().statusCode(404);

        // The daily retrain: a new job name, the same model; version 2 takes over by itself
        train("health-day-2", uploadQuickstartDataset(), "health");
        awaitVersion("health", 2);
        Result checkV2 = run("examples/predict-check", "--model", "health", "--s3", Platform.S3);
        System.out.print(checkV2.output());
        assertEquals(0, checkV2.exit(), checkV2.output());
        assertTrue(checkV2.output().contains("model health version 2"), checkV2.output());
        // Version 1 stays reachable by number (loaded again on demand: 503 meanwhile)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                predict("health", "1").statusCode() == 200);
        predict("health", "1").then().body("version", equalTo(1)).body("predictions", hasSize(2));

        aPredictionJobPredictsAnUnlabelledDatasetAsTheOnlineApiDoes();
    }

    /**
     * Batch prediction as a job: an unlabelled dataset predicted by version 2 on the cpu lane, the file
     * downloaded through its presigned URL, one line per input row, each equal to the online API's answer;
     * a dataset without one of the model's columns is refused naming it.
     */
    private void aPredictionJobPredictsAnUnlabelledDatasetAsTheOnlineApiDoes() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(QUICKSTART_DATA);
        List<String> features = List.of("temperature", "vibration", "pressure", "humidity");
        assertEquals(String.join(",", features) + ",label", lines.get(0));
        StringBuilder unlabelled = new StringBuilder(String.join(",", features)).append('\n');
        StringBuilder lacking = new StringBuilder("temperature,vibration,pressure\n");
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (String line : lines.subList(1, 101)) {
            String[] cells = line.split(",");
            unlabelled.append(String.join(",", List.of(cells).subList(0, 4))).append('\n');
            lacking.append(String.join(",", List.of(cells).subList(0, 3))).append('\n');
            inputs.add(Map.of(features.get(0), Double.parseDouble(cells[0]), features.get(1), Double.parseDouble(cells[1]),
                    features.get(2), Double.parseDouble(cells[2]), features.get(3), Double.parseDouble(cells[3])));
        }
        String datasetId = uploadForPrediction("health-inputs", unlabelled.toString());
        String lackingId = uploadForPrediction("health-inputs-lacking", lacking.toString());

        JsonPath job = api().contentType(ContentType.JSON).body(Map.of("datasetId", datasetId, "version", 2))
                .post("/api/v1/models/health/predictions").then().statusCode(201)
                .body("kind", equalTo("prediction")).body("modelVersion", equalTo(2)).extract().jsonPath();
        String id = job.getString("id");
        // just queued (loading the model alone takes longer than this call): no file yet
        api().get("/api/v1/jobs/" + id + "/predictions").then().statusCode(409);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Response view = api().get("/api/v1/jobs/" + id);
            String status = view.statusCode() == 200 ? view.path("status") : null;
            assertTrue(status == null || !List.of("failed", "cancelled", "timed_out").contains(status), view.asString());
            return "succeeded".equals(status);
        });
        api().get("/api/v1/jobs/" + id).then().body("kind", equalTo("prediction")).body("model", equalTo("health"))
                .body("modelVersion", equalTo(2)).body("lane", equalTo("cpu"));
        // another user cannot have its file
        given().baseUri(platform.gatewayUrl()).header("X-User", "someone-else-" + UUID.randomUUID())
                .get("/api/v1/jobs/" + id + "/predictions").then().statusCode(404);

        String url = api().get("/api/v1/jobs/" + id + "/predictions").then().statusCode(200)
                .extract().path("url");
        HttpResponse<String> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, file.statusCode(), file.body());
        List<String> rows = file.body().lines().toList();
        List<String> header = List.of(rows.get(0).split(","));
        assertEquals(features, header.subList(0, 4));
        assertEquals("predicted_label", header.get(4));
        assertEquals(inputs.size(), rows.size() - 1, "one prediction per input row");

        for (int from = 0; from < inputs.size(); from += 50) {
            List<Map<String, Object>> chunk = inputs.subList(from, from + 50);
            JsonPath online = api().contentType(ContentType.JSON).body(Map.of("inputs", chunk)).queryParam("version", 2)
                    .post("/api/v1/models/health/predict").then().statusCode(200).extract().jsonPath();
            for (int i = 0; i < chunk.size(); i++) {
                Map<String, Number> probabilities = online.getMap("predictions[" + i + "].probabilities");
                List<String> cells = List.of(rows.get(from + i + 1).split(","));
                assertEquals(List.of(rows.get(0).split(",")).size(), cells.size(), rows.get(from + i + 1));
                assertEquals(lines.get(from + i + 1).substring(0, lines.get(from + i + 1).lastIndexOf(',')),
                        String.join(",", cells.subList(0, 4)), "the input columns come back as they were");
                assertEquals(online.getString("predictions[" + i + "].label"), cells.get(4), "row " + (from + i + 1));
                for (int c = 5; c < header.size(); c++) {
                    String label = header.get(c).substring("p_".length());
                    assertEquals(probabilities.get(label).doubleValue(), Double.parseDouble(cells.get(c)), 1e-5,
                            "row " + (from + i + 1) + " p_" + label);
                }
            }
        }
        assertEquals(Set.of("p_normal", "p_overheating", "p_bearing-wear"), Set.copyOf(header.subList(5, header.size())));

        // a dataset without one of the model's columns: refused, naming it
        api().contentType(ContentType.JSON).body(Map.of("datasetId", lackingId))
                .post("/api/v1/models/health/predictions").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("datasetId"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("no column 'humidity'"));
    }

    /** An unlabelled dataset (purpose prediction), uploaded with one PUT and validated. */
    private String uploadForPrediction(String name, String csv) throws Exception {
        JsonPath upload = api().contentType(ContentType.JSON).body(Map.of("name", name, "purpose", "prediction"))
                .post("/api/v1/datasets").then().statusCode(201).extract().jsonPath();
        HttpResponse<String> put = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(upload.getString("uploadUrl")))
                        .PUT(HttpRequest.BodyPublishers.ofString(csv)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        String id = upload.getString("id");
        api().post("/api/v1/datasets/" + id + "/complete").then().statusCode(200).body("status", equalTo("validated"))
                .body("purpose", equalTo("prediction"));
        return id;
    }

    private record Result(int exit, String output) {
    }

    /** Runs a script of examples/ against this platform's gateway as this test's user. */
    private Result run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script, "--api", platform.gatewayUrl(), "--user", user));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!process.waitFor(6, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish in 6 minutes: " + output.getNow(""));
        }
        return new Result(process.exitValue(), output.get());
    }

    /** Predicts two readings with the latest version until version {@code expected} answers. */
    private JsonPath awaitVersion(String model, int expected) {
        JsonPath[] answer = new JsonPath[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Response response = predict(model, null);
            // 404 until the version is registered, 503 while it loads
            assertTrue(List.of(200, 404, 503).contains(response.statusCode()), response.asString());
            if (response.statusCode() != 200) {
                return false;
            }
            answer[0] = response.jsonPath();
            return answer[0].getInt("version") == expected;
        });
        return answer[0];
    }

    private Response predict(String model, String version) {
        RequestSpecification request = api().contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(NORMAL_READING, Map.of("temperature", 47.0, "vibration", 0.3, "pressure", 103.0, "humidity", 44.6))));
        if (version != null) {
            request.queryParam("version", version);
        }
        return request.post("/api/v1/models/" + model + "/predict");
    }

    private void train(String jobName, String datasetId, String model) {
        String id = api().contentType(ContentType.JSON)
                .body(Map.of("name", jobName, "datasetId", datasetId, "epochs", 2, "model", model))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Response job = api().get("/api/v1/jobs/" + id);
            String status = job.statusCode() == 200 ? job.path("status") : null;
            assertTrue(status == null || !List.of("failed", "cancelled", "timed_out").contains(status), job.asString());
            return "succeeded".equals(status);
        });
    }

    private String uploadQuickstartDataset() throws Exception {
        JsonPath upload = api().contentType(ContentType.JSON).body(Map.of("name", "health-day-2-data"))
                .post("/api/v1/datasets").then().statusCode(201).extract().jsonPath();
        HttpResponse<String> put = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(upload.getString("uploadUrl")))
                        .PUT(HttpRequest.BodyPublishers.ofFile(QUICKSTART_DATA)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        String id = upload.getString("id");
        api().post("/api/v1/datasets/" + id + "/complete").then().statusCode(200).body("status", equalTo("validated"));
        return id;
    }

    private RequestSpecification api() {
        return given().baseUri(platform.gatewayUrl()).header("X-User", user);
    }
}
