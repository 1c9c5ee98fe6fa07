package io.finetune.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.charts.ChartQueries;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole path through the gateway's HTTP API only, with every service a separate process on the
 * real broker, database and store: upload a dataset, start jobs, watch them train, read the result.
 * Then every metric the Helm chart's alert rules and Grafana dashboards query is served by one of the
 * running processes (the flow has produced the data-driven series, such as the models' gauges).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// First on the shared Platform (junit-platform.properties orders classes by @Order): it asserts that
// two jobs train in parallel, which needs both production trainers free of the other classes' jobs.
@Order(1)
class EndToEndTest {

    private static final Path CHART = Path.of("..", "charts", "finetune-platform").toAbsolutePath().normalize();

    private static Platform platform;
    private final String user = "user-" + UUID.randomUUID();

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = Platform.shared();
    }


    @Test
    @Order(1)
    void twoJobsTrainInParallelAndShowEveryEpochInTheList() throws Exception {
        String datasetId = uploadDataset("blobs", Csv.blobs(600, 4, 3, 7));

        String first = submitJob("first-job", datasetId, 4).then().statusCode(201)
                .body("status", notNullValue()).extract().path("id");
        String second = submitJob("second-job", datasetId, 4).then().statusCode(201).extract().path("id");

        submitJob("first-job", datasetId, 2).then().statusCode(409)
                .contentType("application/problem+json");

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                api().get("/api/v1/jobs").then().statusCode(200)
                        .body("findAll { it.status == 'succeeded' }.size()", equalTo(2)));

        JsonPath list = api().get("/api/v1/jobs").then().extract().jsonPath();
        for (String id : List.of(first, second)) {
            Map<String, Object> job = list.getMap("find { it.id == '" + id + "' }");
            assertEquals(4, job.get("epoch"), "epoch k of N in the list");
            assertEquals(4, job.get("epochs"));
            assertTrue(((Number) job.get("validationAccuracy")).doubleValue() >= 0.9, "a learnable dataset is learnt: " + job);
            assertTrue(job.get("queuedAt") != null && job.get("startedAt") != null && job.get("finishedAt") != null, job.toString());

            api().get("/api/v1/jobs/" + id).then().statusCode(200)
                    .body("epochHistory.epoch", equalTo(List.of(1, 2, 3, 4)))
                    .body("modelUri", notNullValue());
        }
        // Two trainers: the jobs overlapped in time instead of queueing behind each other.
        Instant firstStarted = Instant.parse(list.getString("find { it.id == '" + first + "' }.startedAt"));
        Instant firstFinished = Instant.parse(list.getString("find { it.id == '" + first + "' }.finishedAt"));
        Instant secondStarted = Instant.parse(list.getString("find { it.id == '" + second + "' }.startedAt"));
        Instant secondFinished = Instant.parse(list.getString("find { it.id == '" + second + "' }.finishedAt"));
        assertTrue(secondStarted.isBefore(firstFinished) && firstStarted.isBefore(secondFinished),
                "the two jobs ran in parallel");

        // Another user sees none of it.
        given().baseUri(platform.gatewayUrl()).header("X-User", "someone-else-" + UUID.randomUUID())
                .get("/api/v1/jobs/" + first).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    @Order(2)
    void badInputIsRefusedWithAClearProblem() throws Exception {
        given().baseUri(platform.gatewayUrl()).contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post("/api/v1/datasets").then().statusCode(401).contentType("application/problem+json");

        submitJob("on-nothing", UUID.randomUUID().toString(), 1).then().statusCode(404)
                .contentType("application/problem+json");

        String rejected = uploadDatasetExpecting("no-label", "a,b,c\n1,2,3\n4,5,6\n", "rejected");
        api().get("/api/v1/datasets/" + rejected).then().statusCode(200)
                .body("problems.message", hasItem(org.hamcrest.Matchers.containsString("label")));
        submitJob("on-rejected", rejected, 1).then().statusCode(422).contentType("application/problem+json");
    }

    /** Runs after the flow: the models it trained are what progress-service's per-model gauges report. */
    @Test
    @Order(3)
    void everyMetricTheChartQueriesIsServedByARunningProcess() throws Exception {
        Set<String> queried = ChartQueries.metricNamesUsed(CHART);
        assertTrue(queried.size() > 20, "metric names read from the chart's rules and dashboards: " + queried);

        // progress-service recomputes its gauges from the view every 15 s
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            Map<String, Set<String>> served = scrapeAll();
            Set<String> missing = new TreeSet<>(queried);
            served.values().forEach(missing::removeAll);
            assertEquals(Set.of(), missing, "metrics the chart queries that none of " + served.keySet() + " serves");
        });
    }

    /** Series names each process serves at /q/metrics (Prometheus text format). */
    private static Map<String, Set<String>> scrapeAll() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Set<String>> served = new TreeMap<>();
        for (var endpoint : platform.metricsUrls().entrySet()) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(endpoint.getValue()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode(), endpoint.toString());
            Set<String> names = new TreeSet<>();
            scrape.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
            served.put(endpoint.getKey(), names);
        }
        return served;
    }

    private String uploadDataset(String name, String csv) throws Exception {
        String id = uploadDatasetExpecting(name, csv, "validated");
        api().get("/api/v1/datasets/" + id).then().body("rows", greaterThan(0));
        return id;
    }

    private String uploadDatasetExpecting(String name, String csv, String status) throws Exception {
        JsonPath upload = api().contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/v1/datasets").then().statusCode(201).extract().jsonPath();
        HttpResponse<String> put = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(upload.getString("uploadUrl")))
                        .PUT(HttpRequest.BodyPublishers.ofString(csv)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), "the presigned PUT goes straight to the store: " + put.body());
        String id = upload.getString("id");
        api().post("/api/v1/datasets/" + id + "/complete").then().statusCode(200).body("status", equalTo(status));
        return id;
    }

    private io.restassured.response.Response submitJob(String name, String datasetId, int epochs) {
        return api().contentType(ContentType.JSON)
                .body(Map.of("name", name, "datasetId", datasetId, "epochs", epochs))
                .post("/api/v1/jobs");
    }

    private RequestSpecification api() {
        return given().baseUri(platform.gatewayUrl()).header("X-User", user);
    }
}
