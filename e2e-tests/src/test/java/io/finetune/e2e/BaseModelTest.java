package io.finetune.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's base-model registry end to end, both halves against each other: the trainer jar's
 * {@code register-base-model} command writes a version into the store the platform runs on, the
 * scheduler lists it through the gateway and pins a job's bare name to it, a trainer worker downloads,
 * verifies and fine-tunes it, the version's card names it, and serving-service answers predictions from
 * the artifact alone. Names and versions that are not registered are refused with 422 on
 * {@code baseModel}.
 */
class BaseModelTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BACKBONE = ROOT.resolve("examples/base-models/tabular-base.pt");
    private static final Path DATA = ROOT.resolve("examples/data/machine-health.csv");
    private static final Path TRAINER_JAR = ROOT.resolve("trainer-worker/target/quarkus-app/quarkus-run.jar");
    private static final int INPUT_WIDTH = 4;

    private static Platform platform;
    private final String user = "user-" + UUID.randomUUID();
    /** New per run: the store outlives runs, and the registry never overwrites a version. */
    private final String baseModel = "e2e-base-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = Platform.shared();
    }


    @Test
    void aRegisteredBaseModelIsListedPinnedFineTunedNamedOnTheCardAndServed() throws Exception {
        // 1. the admin's command, with the platform's store settings
        String description = "e2e backbone " + baseModel;
        Result registered = registerBaseModel("--name", baseModel, "--file", BACKBONE.toString(),
                "--input-width", Integer.toString(INPUT_WIDTH), "--description", description);
        assertEquals(0, registered.exit(), registered.output());
        assertTrue(registered.output().contains("registered base model " + baseModel + ":1"), registered.output());

        // 2. listed through the gateway: version 1, the file's SHA-256 and size, the widths
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(BACKBONE)));
        JsonPath list = api().get("/api/v1/base-models").then().statusCode(200).extract().jsonPath();
        String entry = "find { it.name == '" + baseModel + "' }";
        assertNotNull(list.get(entry), "listed: " + list.prettify());
        assertEquals(1, list.getList(entry + ".versions").size(), list.prettify());
        Map<String, Object> v1 = list.getMap(entry + ".versions[0]");
        assertEquals(baseModel, v1.get("name"));
        assertEquals(1, v1.get("version"));
        assertEquals("torchscript", v1.get("format"));
        assertEquals("tabular-classification", v1.get("recipe"));
        assertEquals(sha256, v1.get("sha256"));
        assertEquals(Files.size(BACKBONE), ((Number) v1.get("bytes")).longValue());
        assertEquals(INPUT_WIDTH, v1.get("inputWidth"));
        assertTrue(((Number) v1.get("outputWidth")).intValue() > 0, v1.toString());
        assertEquals(description, v1.get("description"));
        assertTrue(registered.output().contains(v1.get("outputWidth") + " outputs"),
                "the command and the registry say the same width: " + registered.output());
        // the same for any user
        given().baseUri(platform.gatewayUrl()).header("X-User", "someone-else-" + UUID.randomUUID())
                .get("/api/v1/base-models").then().statusCode(200).body("name", hasItem(baseModel));

        // 3. a job naming the bare name: pinned to version 1, trained, on the card, served
        String datasetId = uploadDataset();
        String model = "on-" + baseModel;
        JsonPath submitted = submit("fine-tune-" + baseModel, datasetId, model, baseModel).then().statusCode(201)
                .body("recipe", equalTo("tabular-classification"))
                .body("baseModel", equalTo(baseModel + ":1")).extract().jsonPath();
        String jobId = submitted.getString("id");
        JsonPath job = awaitSucceeded(jobId);
        assertEquals(model, job.getString("model"), job.prettify());
        assertEquals(baseModel + ":1", job.getString("baseModel"), "the job view shows the pin: " + job.prettify());
        int version = job.getInt("modelVersion");
        assertEquals(1, version, "the model's first version: " + job.prettify());

        JsonPath card = api().get("/api/v1/models/" + model + "/versions/" + version).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(jobId, card.getString("jobId"), card.prettify());
        assertEquals(baseModel + ":1", card.getString("card.baseModel"), card.prettify());
        assertEquals("tabular-classification", card.getString("card.recipe"), card.prettify());

        // the dataset's rows and classes: what the prediction must be made of
        List<String> lines = Files.readAllLines(DATA);
        List<String> header = List.of(lines.get(0).split(","));
        assertEquals("label", header.get(header.size() - 1));
        assertEquals(INPUT_WIDTH, header.size() - 1, "the backbone's input width is the dataset's feature count");
        Set<String> labels = new LinkedHashSet<>();
        lines.subList(1, lines.size()).forEach(l -> labels.add(l.substring(l.lastIndexOf(',') + 1)));
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (String line : List.of(lines.get(1), lines.get(2))) {
            String[] cells = line.split(",");
            Map<String, Object> input = new LinkedHashMap<>();
            for (int i = 0; i < INPUT_WIDTH; i++) {
                input.put(header.get(i), Double.parseDouble(cells[i]));
            }
            inputs.add(input);
        }
        JsonPath predicted = awaitPrediction(model, inputs);
        assertEquals(model, predicted.getString("model"));
        assertEquals(version, predicted.getInt("version"));
        assertEquals(inputs.size(), predicted.getList("predictions").size(), predicted.prettify());
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Number> probabilities = predicted.getMap("predictions[" + i + "].probabilities");
            assertEquals(labels, probabilities.keySet(), "the dataset's classes: " + predicted.prettify());
            assertEquals(1.0, probabilities.values().stream().mapToDouble(Number::doubleValue).sum(), 1e-3);
            assertTrue(labels.contains(predicted.getString("predictions[" + i + "].label")), predicted.prettify());
        }

        // 4. not registered: an unknown name, and a version of a registered name that does not exist
        String unknown = "e2e-missing-" + UUID.randomUUID().toString().substring(0, 8);
        submit("unknown-" + baseModel, datasetId, null, unknown).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("baseModel")))
                .body("errors[0].message", containsString(unknown))
                .body("errors[0].message", containsString(baseModel));
        submit("version-2-" + baseModel, datasetId, null, baseModel + ":2").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("baseModel")))
                .body("errors[0].message", containsString("no version 2"))
                .body("errors[0].message", containsString("[1]"));
        // neither was created
        JsonPath jobs = api().get("/api/v1/jobs").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(jobId), jobs.getList("id"), jobs.prettify());
    }

    private record Result(int exit, String output) {
    }

    /** The packaged trainer jar's command, with the store address every service of the platform gets. */
    private Result registerBaseModel(String... args) throws Exception {
        assertTrue(Files.exists(TRAINER_JAR), TRAINER_JAR + " is missing: package the services first");
        List<String> command = new ArrayList<>(Platform.command(TRAINER_JAR));
        command.add("register-base-model");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(Platform.serviceEnv(Platform.freePort(), null));
        Process process = pb.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("register-base-model did not finish in 3 minutes: " + output.getNow(""));
        }
        return new Result(process.exitValue(), output.get());
    }

    private Response submit(String name, String datasetId, String model, String base) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", name, "datasetId", datasetId, "epochs", 3,
                "recipe", "tabular-classification", "baseModel", base));
        if (model != null) {
            body.put("model", model);
        }
        return api().contentType(ContentType.JSON).body(body).post("/api/v1/jobs");
    }

    private JsonPath awaitSucceeded(String id) {
        JsonPath[] view = new JsonPath[1];
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Response job = api().get("/api/v1/jobs/" + id);
            String status = job.statusCode() == 200 ? job.path("status") : null;
            assertTrue(status == null || !List.of("failed", "cancelled", "timed_out").contains(status), job.asString());
            view[0] = job.jsonPath();
            // the view learns the model's name and version from models.events, just after the success
            return "succeeded".equals(status) && job.path("modelVersion") != null;
        });
        return view[0];
    }

    /** 404 until serving-service hears of the version, 503 while it loads. */
    private JsonPath awaitPrediction(String model, List<Map<String, Object>> inputs) {
        JsonPath[] answer = new JsonPath[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Response response = api().contentType(ContentType.JSON).body(Map.of("inputs", inputs))
                    .post("/api/v1/models/" + model + "/predict");
            assertTrue(List.of(200, 404, 503).contains(response.statusCode()), response.asString());
            answer[0] = response.statusCode() == 200 ? response.jsonPath() : null;
            return answer[0] != null;
        });
        return answer[0];
    }

    private String uploadDataset() throws Exception {
        JsonPath upload = api().contentType(ContentType.JSON).body(Map.of("name", "machine-health-" + baseModel))
                .post("/api/v1/datasets").then().statusCode(201).extract().jsonPath();
        HttpResponse<String> put = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(upload.getString("uploadUrl")))
                        .PUT(HttpRequest.BodyPublishers.ofFile(DATA)).build(),
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
