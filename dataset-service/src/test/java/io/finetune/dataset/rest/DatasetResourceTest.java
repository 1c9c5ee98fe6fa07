package io.finetune.dataset.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.DatasetEvent;
import io.finetune.dataset.EventReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The REST contract against the real test infrastructure (PostgreSQL, S3Proxy, Kafka). */
@QuarkusTest
class DatasetResourceTest {

    private static final String OWNER = "X-Owner";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    ObjectMapper json;

    private static String newOwner() {
        return "user-" + UUID.randomUUID();
    }

    private static String newName() {
        return "iris " + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ValidatableResponse create(String owner, String name) {
        return given().header(OWNER, owner).contentType(ContentType.JSON).body(Map.of("name", name))
                .when().post("/datasets")
                .then();
    }

    private static ValidatableResponse complete(String owner, String id) {
        return given().header(OWNER, owner).when().post("/datasets/{id}/complete", id).then();
    }

    /** A valid tabular-classification file of {@code rows} rows with two alternating labels. */
    private static String csv(int rows) {
        StringBuilder csv = new StringBuilder("sepal_length,sepal_width,label\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(".5,-").append(i).append("e-1,").append(i % 2 == 0 ? "setosa" : "virginica").append('\n');
        }
        return csv.toString();
    }

    private static void upload(String uploadUrl, String csv) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uploadUrl))
                .PUT(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "PUT to the presigned URL: " + response.body());
    }

    static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void createUploadCompleteValidatesAndAnnounces() throws Exception {
        String owner = newOwner();
        String name = newName();
        ValidatableResponse created = create(owner, name)
                .statusCode(201)
                .contentType(ContentType.JSON)
                .header("Location", containsString("/datasets/"))
                .body("name", equalTo(name))
                .body("status", equalTo("awaiting_upload"))
                .body("upload", equalTo("single"))
                .body("uploadMethod", equalTo("PUT"))
                .body("uploadUrl", containsString("X-Amz-Signature="))
                .body("createdAt", notNullValue());
        String id = created.extract().path("id");
        String uploadUrl = created.extract().path("uploadUrl");
        assertTrue(uploadUrl.contains("/datasets/" + id + "/data?"), uploadUrl);
        Duration validFor = Duration.between(Instant.now(), Instant.parse(created.extract().path("uploadExpiresAt")));
        assertTrue(validFor.compareTo(Duration.ofMinutes(58)) > 0 && validFor.compareTo(Duration.ofMinutes(61)) < 0,
                "upload URLs are valid for an hour by default: " + validFor);
        given().header(OWNER, owner).when().get("/datasets/{id}", id).then()
                .statusCode(200)
                .body("status", equalTo("awaiting_upload"))
                .body("rows", nullValue());

        String csv = csv(12);
        try (EventReader events = EventReader.fromNow()) {
            upload(uploadUrl, csv);
            complete(owner, id)
                    .statusCode(200)
                    .body("id", equalTo(id))
                    .body("status", equalTo("validated"))
                    .body("rows", equalTo(12))
                    .body("bytes", equalTo(csv.getBytes(StandardCharsets.UTF_8).length))
                    .body("columns", contains("sepal_length", "sepal_width", "label"))
                    .body("problems.size()", equalTo(0))
                    .body("format", equalTo("csv"))
                    .body("classCounts.setosa", equalTo(6))
                    .body("classCounts.virginica", equalTo(6))
                    .body("sha256", equalTo(sha256(csv)))
                    .body("estimatedSecondsPerEpoch", equalTo(0.1f));

            List<ConsumerRecord<String, String>> received = events.awaitType(id, DatasetEvent.VALIDATED);
            assertEquals(1, received.size());
            JsonNode event = json.readTree(received.get(0).value());
            assertEquals(3, event.get("sequence").asLong(), "created 1, uploaded 2, validated 3");
            assertEquals(id, event.get("datasetId").asText());
            assertEquals(owner, event.get("owner").asText());
            assertEquals(name, event.get("name").asText());
            assertEquals(12, event.get("rows").asLong());
            assertEquals(id + "/data", event.get("objectKey").asText());
            assertTrue(event.hasNonNull("eventId") && event.hasNonNull("time"), event.toString());

            // completing again changes nothing and announces nothing
            complete(owner, id).statusCode(200).body("status", equalTo("validated")).body("rows", equalTo(12));
            assertEquals(0, events.pollFor(id, Duration.ofSeconds(2)).size(), "no second event");
        }

        given().header(OWNER, owner).when().get("/datasets/{id}", id).then()
                .statusCode(200)
                .body("status", equalTo("validated"))
                .body("rows", equalTo(12))
                .body("columns", contains("sepal_length", "sepal_width", "label"))
                .body("uploadUrl", nullValue());
    }

    @Test
    void listShowsTheOwnersDatasetsNewestFirst() {
        String owner = newOwner();
        String first = create(owner, newName()).statusCode(201).extract().path("id");
        String second = create(owner, newName()).statusCode(201).extract().path("id");
        create(newOwner(), newName()).statusCode(201);
        given().header(OWNER, owner).when().get("/datasets").then()
                .statusCode(200)
                .body("id", contains(second, first))
                .body("status", everyItem(equalTo("awaiting_upload")));
    }

    @Test
    void badCsvIsRejectedWithLineNumberedProblems() throws Exception {
        String owner = newOwner();
        ValidatableResponse created = create(owner, newName()).statusCode(201);
        String id = created.extract().path("id");
        String csv = csv(10).replace("3.5,-3e-1", "3.5,oops");

        try (EventReader events = EventReader.fromNow()) {
            upload(created.extract().path("uploadUrl"), csv);
            complete(owner, id)
                    .statusCode(200)
                    .body("status", equalTo("rejected"))
                    .body("rows", equalTo(10))
                    .body("problems.size()", equalTo(1))
                    .body("problems[0].line", equalTo(5))
                    .body("problems[0].column", equalTo("sepal_width"))
                    .body("problems[0].message", startsWith("'oops' is not a number"));

            List<ConsumerRecord<String, String>> received = events.awaitType(id, DatasetEvent.REJECTED);
            JsonNode event = json.readTree(received.get(0).value());
            assertEquals(5, event.get("problems").get(0).get("line").asLong());
        }
        given().header(OWNER, owner).when().get("/datasets/{id}", id).then()
                .body("status", equalTo("rejected"))
                .body("problems[0].line", equalTo(5));
    }

    @Test
    void completeBeforeUploadIsAConflict() {
        String owner = newOwner();
        String id = create(owner, newName()).statusCode(201).extract().path("id");
        complete(owner, id)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("upload the file to uploadUrl first"));
        given().header(OWNER, owner).when().get("/datasets/{id}", id).then().body("status", equalTo("awaiting_upload"));
    }

    @Test
    void missingOwnerIsUnauthorized() {
        given().contentType(ContentType.JSON).body(Map.of("name", newName())).when().post("/datasets").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("X-Owner"));
        given().header(OWNER, " ").when().get("/datasets").then().statusCode(401);
        given().when().get("/datasets/{id}", UUID.randomUUID()).then().statusCode(401);
    }

    @Test
    void anotherOwnersDatasetIsNotFound() {
        String owner = newOwner();
        String id = create(owner, newName()).statusCode(201).extract().path("id");
        String stranger = newOwner();
        given().header(OWNER, stranger).when().get("/datasets/{id}", id).then()
                .statusCode(404)
                .contentType("application/problem+json");
        complete(stranger, id).statusCode(404);
        given().header(OWNER, stranger).when().get("/datasets").then().statusCode(200).body("size()", equalTo(0));
        given().header(OWNER, owner).when().get("/datasets/{id}", UUID.randomUUID()).then().statusCode(404);
        given().header(OWNER, owner).when().get("/datasets/not-a-uuid").then().statusCode(404);
    }

    @Test
    void duplicateNameIsAConflictForTheSameOwnerOnly() {
        String owner = newOwner();
        String name = newName();
        create(owner, name).statusCode(201);
        create(owner, name)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString(name));
        create(newOwner(), name).statusCode(201);
    }

    @Test
    void badNamesAreUnprocessable() {
        String owner = newOwner();
        for (String name : List.of("", " leading space", "semi;colon", "../etc", "x".repeat(101))) {
            create(owner, name)
                    .statusCode(422)
                    .contentType("application/problem+json")
                    .body("errors.field", everyItem(equalTo("name")));
        }
        given().header(OWNER, owner).contentType(ContentType.JSON).body("{}").when().post("/datasets").then()
                .statusCode(422)
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", equalTo("is required"));
        create(owner, "x".repeat(100)).statusCode(201);
        create(owner, "Iris v2.1_final-copy").statusCode(201);
    }
}
