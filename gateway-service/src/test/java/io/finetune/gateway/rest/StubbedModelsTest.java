package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * /api/v1/models routed to progress-service and serving-service ({@link StubDownstream}): bodies,
 * statuses and headers pass through, and another user's model is 404.
 */
@QuarkusTest
@WithTestResource(StubDownstream.class)
class StubbedModelsTest {

    private static final String OTHER_USER = "user-" + UUID.randomUUID();
    private static final String MODEL = StubDownstream.MODEL;
    private static final Map<String, Object> ONE_INPUT = Map.of("inputs", List.of(Map.of("temperature", 71.5)));

    @Test
    void listAndDetailComeFromProgressService() {
        owner().get("/api/v1/models").then().statusCode(200)
                .body("[0].name", equalTo(MODEL)).body("[0].latestVersion", equalTo(2))
                .body("[0].accuracyDropped", equalTo(true));
        assertEquals(StubDownstream.OWNER, StubDownstream.SEEN.get("GET /models").get("x-owner"));

        owner().get("/api/v1/models/" + MODEL).then().statusCode(200)
                .body("versions.version", equalTo(List.of(1, 2)));
        owner().get("/api/v1/models/" + MODEL + "/versions/latest").then().statusCode(200)
                .body("version", equalTo(2)).body("card.schema.inputs[0].name", equalTo("temperature"));
        owner().get("/api/v1/models/" + MODEL + "/versions/1").then().statusCode(200).body("version", equalTo(1));
    }

    @Test
    void unknownVersionsAndAnotherUsersModelAre404() {
        owner().get("/api/v1/models/" + MODEL + "/versions/7").then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("No such version"));
        owner().get("/api/v1/models/other").then().statusCode(404).contentType("application/problem+json");
        given().header("X-User", OTHER_USER).get("/api/v1/models").then().statusCode(200).body("size()", equalTo(0));
        given().header("X-User", OTHER_USER).get("/api/v1/models/" + MODEL).then().statusCode(404);
        given().header("X-User", OTHER_USER).contentType(ContentType.JSON).body(ONE_INPUT)
                .post("/api/v1/models/" + MODEL + "/predict").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void predictGoesToServingWithTheVersionAndTheBodyUnchanged() {
        owner().contentType(ContentType.JSON).body(ONE_INPUT).post("/api/v1/models/" + MODEL + "/predict")
                .then().statusCode(200)
                .body("model", equalTo(MODEL)).body("version", equalTo(2))
                .body("predictions[0].label", equalTo("ok"))
                .body("predictions[0].probabilities.ok", equalTo(0.9f));
        Map<String, String> seen = StubDownstream.SEEN.get("POST /models/" + MODEL + "/predict");
        assertNull(seen.get("query-version"), "no version: serving-service's default, latest");
        assertTrue(seen.get("body").contains("\"temperature\":71.5"), seen.get("body"));
        assertEquals(StubDownstream.OWNER, seen.get("x-owner"));

        owner().queryParam("version", "1").contentType(ContentType.JSON).body(ONE_INPUT)
                .post("/api/v1/models/" + MODEL + "/predict").then().statusCode(200).body("version", equalTo(1));
        assertEquals("1", StubDownstream.SEEN.get("POST /models/" + MODEL + "/predict").get("query-version"));
        owner().queryParam("version", "5").contentType(ContentType.JSON).body(ONE_INPUT)
                .post("/api/v1/models/" + MODEL + "/predict").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void servingsFieldErrorsPassThroughWithTheirNames() {
        owner().contentType(ContentType.JSON).body(Map.of("inputs", List.of(Map.of("temperature", "hot"))))
                .post("/api/v1/models/" + MODEL + "/predict")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("inputs[0].temperature"))
                .body("errors[0].message", equalTo("must be a number"));
    }

    @Test
    void aVersionStillLoadingIs503WithServingsRetryAfter() {
        owner().contentType(ContentType.JSON).body(ONE_INPUT).post("/api/v1/models/" + StubDownstream.LOADING_MODEL + "/predict")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "3").body("detail", equalTo("version 1 is loading"));
    }

    @Test
    void aJobsModelGoesOnToTheScheduler() {
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "churn-2026-11-25", "datasetId", StubDownstream.DATASET, "epochs", 2, "model", MODEL))
                .post("/api/v1/jobs").then().statusCode(201);
        assertTrue(StubDownstream.SEEN.get("POST /jobs").get("body").contains("\"model\":\"" + MODEL + "\""));

        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "churn-2026-11-26", "datasetId", StubDownstream.DATASET, "epochs", 2))
                .post("/api/v1/jobs").then().statusCode(201);
        assertTrue(!StubDownstream.SEEN.get("POST /jobs").get("body").contains("\"model\""), "no model: the job's name");
    }

    @Test
    void aJobsLaneAndPriorityGoOnToTheScheduler() {
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "quick-look", "datasetId", StubDownstream.DATASET, "epochs", 2,
                        "profile", "interactive", "priorityClass", "batch"))
                .post("/api/v1/jobs").then().statusCode(201);
        String forwarded = StubDownstream.SEEN.get("POST /jobs").get("body");
        assertTrue(forwarded.contains("\"profile\":\"interactive\"") && forwarded.contains("\"priorityClass\":\"batch\""),
                forwarded);
    }

    @Test
    void aPredictionJobGoesToTheSchedulerAndItsDownloadPassesThrough() {
        owner().header("Idempotency-Key", "k-1").contentType(ContentType.JSON)
                .body(Map.of("datasetId", StubDownstream.DATASET, "version", 2))
                .post("/api/v1/models/" + MODEL + "/predictions").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/jobs/" + StubDownstream.PREDICTION_JOB))
                .body("kind", equalTo("prediction")).body("modelVersion", equalTo(2));
        Map<String, String> seen = StubDownstream.SEEN.get("POST /models/" + MODEL + "/predictions");
        assertEquals(StubDownstream.OWNER, seen.get("x-owner"));
        assertEquals("k-1", seen.get("idempotency-key"));
        assertTrue(seen.get("body").contains("\"version\":2") && seen.get("body").contains(StubDownstream.DATASET),
                seen.get("body"));
        // the dataset was read first, as for a training job
        assertEquals(StubDownstream.OWNER, StubDownstream.SEEN.get("GET /datasets/" + StubDownstream.DATASET).get("x-owner"));

        owner().get("/api/v1/jobs/" + StubDownstream.PREDICTION_JOB + "/predictions").then().statusCode(200)
                .body("url", equalTo("http://store/p.csv?X-Amz-Signature=s"));
        owner().get("/api/v1/jobs/" + StubDownstream.JOB + "/predictions").then().statusCode(409)
                .contentType("application/problem+json");
        given().header("X-User", OTHER_USER).get("/api/v1/jobs/" + StubDownstream.PREDICTION_JOB + "/predictions")
                .then().statusCode(404);
        given().header("X-User", OTHER_USER).contentType(ContentType.JSON).body(Map.of("datasetId", StubDownstream.DATASET))
                .post("/api/v1/models/" + MODEL + "/predictions").then().statusCode(404);
    }

    @Test
    void aPredictionJobsFieldsAreCheckedAtTheEdge() {
        owner().contentType(ContentType.JSON).body(Map.of("version", 0, "name", "no spaces allowed"))
                .post("/api/v1/models/" + MODEL + "/predictions").then().statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.hasItems("datasetId", "version", "name"));
        owner().contentType(ContentType.JSON).body(Map.of("datasetId", StubDownstream.DATASET))
                .post("/api/v1/models/a%2Fb/predictions").then().statusCode(404);
        owner().get("/api/v1/jobs/not-a-uuid/predictions").then().statusCode(404);
    }

    private static RequestSpecification owner() {
        return given().header("X-User", StubDownstream.OWNER);
    }
}
