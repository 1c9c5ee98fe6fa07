package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge of /api/v1/models. In %test the owning services are unreachable, so a request that passes
 * the edge ends in 503: a 4xx here was decided by the gateway without calling anyone.
 */
@QuarkusTest
class ModelResourceTest {

    private static final Map<String, Object> ONE_INPUT = Map.of("inputs", List.of(Map.of("temperature", 71.5)));

    private final String user = "user-" + UUID.randomUUID();

    @ParameterizedTest
    @ValueSource(strings = {"_under", "-dash", "has%20space", "a%2Fb", "..%2F..%2Fjobs", "%2E%2E", "caf%C3%A9",
            "x123456789012345678901234567890123456789012345678901234567890123"})
    void namesNoModelCanHaveAreNotFound(String name) {
        notFound(api().urlEncodingEnabled(false).get("/api/v1/models/" + name));
        notFound(api().urlEncodingEnabled(false).get("/api/v1/models/" + name + "/versions/1"));
        notFound(api().urlEncodingEnabled(false).contentType(ContentType.JSON).body(ONE_INPUT)
                .post("/api/v1/models/" + name + "/predict"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "01", "1.5", "newest", "99999999999", "1%2F2"})
    void versionsThatCannotExistAreNotFound(String version) {
        notFound(api().urlEncodingEnabled(false).get("/api/v1/models/churn/versions/" + version));
    }

    @Test
    void predictWithABadVersionIsRefused() {
        api().queryParam("version", "newest").contentType(ContentType.JSON).body(ONE_INPUT)
                .post("/api/v1/models/churn/predict")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("version"));
    }

    @Test
    void predictNeedsOneTo64Inputs() {
        for (Object body : List.of(Map.of(), Map.of("inputs", List.of()), Map.of("inputs", "x"),
                Map.of("inputs", Collections.nCopies(65, Map.of("temperature", 1))))) {
            api().contentType(ContentType.JSON).body(body).post("/api/v1/models/churn/predict")
                    .then().statusCode(422).contentType("application/problem+json")
                    .body("errors.field", hasItem("inputs"));
        }
        api().contentType(ContentType.JSON).body(Map.of("inputs", List.of(Map.of("a", 1), 7)))
                .post("/api/v1/models/churn/predict")
                .then().statusCode(422).body("errors.field", hasItem("inputs[1]"));
    }

    @Test
    void malformedJsonIsABadRequest() {
        api().contentType(ContentType.JSON).body("{\"inputs\": [").post("/api/v1/models/churn/predict")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void unreachableProgressServiceIsServiceUnavailable() {
        unavailable(api().get("/api/v1/models"), "progress-service");
        unavailable(api().get("/api/v1/models/churn"), "progress-service");
        unavailable(api().get("/api/v1/models/churn/versions/latest"), "progress-service");
        unavailable(api().get("/api/v1/models/x123456789012345678901234567890123456789012345678901234567890._/versions/2147483647"),
                "progress-service");
    }

    @Test
    void unreachableServingServiceIsServiceUnavailable() {
        unavailable(api().contentType(ContentType.JSON).body(ONE_INPUT).post("/api/v1/models/churn/predict"), "serving-service");
        unavailable(api().queryParam("version", "3").contentType(ContentType.JSON).body(ONE_INPUT)
                .post("/api/v1/models/churn/predict"), "serving-service");
    }

    @Test
    void aJobsModelIsNamedLikeAJob() {
        Map<String, Object> job = Map.of("name", "daily-2026-11-25", "datasetId", UUID.randomUUID().toString(),
                "epochs", 2, "model", "no/slash");
        api().contentType(ContentType.JSON).body(job).post("/api/v1/jobs")
                .then().statusCode(422).body("errors.field", hasItem("model"));
        Map<String, Object> valid = Map.of("name", "daily-2026-11-25", "datasetId", UUID.randomUUID().toString(),
                "epochs", 2, "model", "churn");
        unavailable(api().contentType(ContentType.JSON).body(valid).post("/api/v1/jobs"), "dataset-service");
    }

    private static void notFound(Response response) {
        response.then().statusCode(404).contentType("application/problem+json");
    }

    private static void unavailable(Response response, String service) {
        response.then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("detail", containsString(service))
                .body("status", equalTo(503));
    }

    private RequestSpecification api() {
        return given().header("X-User", user);
    }
}
