package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The gateway's behaviour around owning services' answers, against {@link StubDownstream}. */
@QuarkusTest
@WithTestResource(StubDownstream.class)
class StubbedDownstreamTest {

    private static final String OTHER_USER = "user-" + UUID.randomUUID();

    @Test
    void listHasAnETagAndAnswers304WhileUnchanged() {
        Response first = owner().get("/api/v1/jobs").then().statusCode(200)
                .header("ETag", notNullValue()).header("Cache-Control", containsString("no-cache"))
                .body("name", equalTo(java.util.List.of("first", "second"))).extract().response();
        String etag = first.header("ETag");

        owner().header("If-None-Match", etag).get("/api/v1/jobs").then().statusCode(304)
                .header("ETag", etag).body(emptyString());

        StubDownstream.epoch++;
        owner().header("If-None-Match", etag).get("/api/v1/jobs").then().statusCode(200)
                .header("ETag", not(etag)).body("[0].epoch", equalTo(StubDownstream.epoch));
    }

    @Test
    void theNextPagesCursorIsPassedOnBothWays() {
        owner().get("/api/v1/jobs").then().statusCode(200)
                .header("X-Next-Cursor", StubDownstream.NEXT_CURSOR).body("$", hasSize(2));
        owner().queryParam("limit", 2).queryParam("cursor", StubDownstream.NEXT_CURSOR).get("/api/v1/jobs")
                .then().statusCode(200).header("X-Next-Cursor", nullValue()).body("name", equalTo(java.util.List.of("third")));
        assertEquals("2", StubDownstream.SEEN.get("GET /jobs").get("query-limit"));
        assertEquals(StubDownstream.NEXT_CURSOR, StubDownstream.SEEN.get("GET /jobs").get("query-cursor"));

        owner().queryParam("limit", 501).get("/api/v1/jobs").then().statusCode(422)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
    }

    @Test
    void nameFilterAnswersOnlyTheJobOfThatName() {
        owner().queryParam("name", "second").get("/api/v1/jobs").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].name", equalTo("second"));
        owner().queryParam("name", "third").get("/api/v1/jobs").then().statusCode(200).body("$", hasSize(0));
        assertEquals("third", query(StubDownstream.SEEN.get("GET /jobs")), "the filter goes on to progress-service");
    }

    @Test
    void cancelPassesTheSchedulersAnswerThroughAndAnotherUsersJobIs404() {
        owner().post("/api/v1/jobs/" + StubDownstream.JOB + "/cancel").then().statusCode(202)
                .body("id", equalTo(StubDownstream.JOB));
        assertEquals(StubDownstream.OWNER, StubDownstream.SEEN.get("POST /jobs/" + StubDownstream.JOB + "/cancel").get("x-owner"));

        given().header("X-User", OTHER_USER).post("/api/v1/jobs/" + StubDownstream.JOB + "/cancel")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("X-User", OTHER_USER).get("/api/v1/jobs/" + StubDownstream.JOB)
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void eventsOfAJobPassThroughUnchangedAndAnotherUsersJobIs404() throws Exception {
        String body = owner().get("/api/v1/jobs/" + StubDownstream.JOB + "/events").then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("type", equalTo(java.util.List.of("job.queued", "training.failed")))
                .body("[0].status", equalTo("queued")).body("[0].attempt", nullValue())
                .body("[1].worker", equalTo("trainer-0")).body("[1].message", equalTo("<img src=x onerror=alert(1)>"))
                .extract().asString();
        ObjectMapper mapper = new ObjectMapper();
        assertEquals(mapper.readTree(StubDownstream.EVENTS), mapper.readTree(body), "every field, nulls included");
        assertEquals(StubDownstream.OWNER, StubDownstream.SEEN.get("GET /jobs/" + StubDownstream.JOB + "/events").get("x-owner"));

        given().header("X-User", OTHER_USER).get("/api/v1/jobs/" + StubDownstream.JOB + "/events")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        assertEquals(OTHER_USER, StubDownstream.SEEN.get("GET /jobs/" + StubDownstream.JOB + "/events").get("x-owner"),
                "the other user's id goes on, so progress-service decides the 404");
        owner().get("/api/v1/jobs/" + UUID.randomUUID() + "/events").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/jobs/" + StubDownstream.JOB + "/events").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
    }

    @Test
    void streamPassesEventsThroughWithTheirIdsAndNames() {
        String body = owner().accept("text/event-stream").get("/api/v1/jobs/stream").then().statusCode(200)
                .contentType(containsString("text/event-stream")).extract().asString();
        assertTrue(body.contains("id:7") || body.contains("id: 7"), body);
        assertTrue(body.contains("event:job") || body.contains("event: job"), body);
        assertTrue(body.contains("\"name\":\"first\""), body);
    }

    @Test
    void streamOfAnotherUsersJobIs404() {
        given().header("X-User", OTHER_USER).accept("text/event-stream")
                .get("/api/v1/jobs/" + StubDownstream.JOB + "/stream")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void requestIdIsMadeWhenMissingEchoedAndPassedOn() {
        String made = owner().get("/api/v1/jobs/" + StubDownstream.JOB).then().statusCode(200)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}")).extract().header("X-Request-Id");
        assertEquals(made, StubDownstream.SEEN.get("GET /jobs/" + StubDownstream.JOB).get("x-request-id"));

        owner().header("X-Request-Id", "trace-42").get("/api/v1/jobs/" + StubDownstream.JOB).then()
                .header("X-Request-Id", "trace-42");
        assertEquals("trace-42", StubDownstream.SEEN.get("GET /jobs/" + StubDownstream.JOB).get("x-request-id"));

        owner().header("X-Request-Id", "bad id\u00e9").get("/api/v1/recipes").then().statusCode(200)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void idempotencyKeyGoesOnToTheScheduler() {
        owner().header("Idempotency-Key", "key-" + UUID.randomUUID()).contentType(ContentType.JSON)
                .body(Map.of("name", "first", "datasetId", StubDownstream.DATASET, "epochs", 2))
                .post("/api/v1/jobs").then().statusCode(201);
        assertTrue(StubDownstream.SEEN.get("POST /jobs").get("idempotency-key").startsWith("key-"));

        owner().header("Idempotency-Key", "two words").contentType(ContentType.JSON)
                .body(Map.of("name", "first", "datasetId", StubDownstream.DATASET, "epochs", 2))
                .post("/api/v1/jobs").then().statusCode(422)
                .body("errors[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void anImportSourceGoesOnToDatasetServiceAndItsStatusComesBack() throws Exception {
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "imported", "source", Map.of("s3", Map.of("bucket", "exports", "key", "churn/2026-11.csv"))))
                .post("/api/v1/datasets").then().statusCode(202)
                .header("Location", containsString("/api/v1/datasets/" + StubDownstream.IMPORTED))
                .body("status", equalTo("validating"));
        JsonNode sent = new ObjectMapper().readTree(StubDownstream.SEEN.get("POST /datasets").get("body"));
        assertEquals("exports", sent.at("/source/s3/bucket").asText());
        assertEquals("churn/2026-11.csv", sent.at("/source/s3/key").asText());
        assertEquals(StubDownstream.OWNER, StubDownstream.SEEN.get("POST /datasets").get("x-owner"));

        owner().contentType(ContentType.JSON).body(Map.of("name", "imported", "source", Map.of("s3", Map.of("bucket", "exports"))))
                .post("/api/v1/datasets").then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", hasItem(containsString("key")));
        owner().contentType(ContentType.JSON).body("{\"name\": \"imported\", \"source\": {\"s3\": {\"bucket\": 7, \"key\": \"k\"}}}")
                .post("/api/v1/datasets").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aUrlOrAnotherStoresObjectWithCredentialsGoesOnToDatasetService() throws Exception {
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "imported", "source", Map.of("url", "https://example.com/exports/churn.csv")))
                .post("/api/v1/datasets").then().statusCode(202);
        JsonNode sent = new ObjectMapper().readTree(StubDownstream.SEEN.get("POST /datasets").get("body"));
        assertEquals("https://example.com/exports/churn.csv", sent.at("/source/url").asText());

        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "imported", "source", Map.of("s3", Map.of("endpoint", "https://s3.eu-west-1.amazonaws.com",
                        "region", "eu-west-1", "bucket", "exports", "key", "churn.csv", "accessKeyId", "AKIAEXAMPLE",
                        "secretAccessKey", "example-secret"))))
                .post("/api/v1/datasets").then().statusCode(202);
        sent = new ObjectMapper().readTree(StubDownstream.SEEN.get("POST /datasets").get("body"));
        assertEquals("https://s3.eu-west-1.amazonaws.com", sent.at("/source/s3/endpoint").asText());
        assertEquals("eu-west-1", sent.at("/source/s3/region").asText());
        assertEquals("AKIAEXAMPLE", sent.at("/source/s3/accessKeyId").asText());
        assertEquals("example-secret", sent.at("/source/s3/secretAccessKey").asText());
        assertTrue(sent.at("/source/s3/sessionToken").isMissingNode(), "absent fields are not sent as null");
    }

    @Test
    void deletingADatasetAJobNeedsPassesThe409WithTheJobsThrough() {
        owner().delete("/api/v1/datasets/" + StubDownstream.DATASET_IN_USE).then().statusCode(409)
                .contentType("application/problem+json")
                .body("jobs[0].id", equalTo(StubDownstream.JOB))
                .body("jobs[0].name", equalTo("first"))
                .body("jobs[0].status", equalTo("running"))
                .body("detail", containsString("'first'"));
    }

    @Test
    void recipesListTheCatalogueWithDefaults() {
        owner().get("/api/v1/recipes").then().statusCode(200)
                .body("[0].name", equalTo("tabular-classification"))
                .body("[0].hyperparameters.learningRate", equalTo(0.01f))
                .body("[0].hyperparameters.batchSize", equalTo(32));
    }

    private static RequestSpecification owner() {
        return given().header("X-User", StubDownstream.OWNER);
    }

    private static String query(Map<String, String> headers) {
        return headers == null ? null : headers.get("query-nameExact");
    }
}
