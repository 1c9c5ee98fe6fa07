package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge of /api/v1/jobs. In %test the owning services are unreachable, so a request that passes
 * the edge ends in 503: a 4xx here was decided by the gateway without calling anyone.
 */
@QuarkusTest
class JobResourceTest {

    private final String user = "user-" + UUID.randomUUID();

    @ParameterizedTest
    @ValueSource(strings = {"", "_under", "has space", "dots..ok-but/slash",
            "x123456789012345678901234567890123456789012345678901234567890123"})
    void invalidNamesAreRefused(String name) {
        submit(job(name, 3))
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("name"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1001})
    void epochsOutOfRangeAreRefused(int epochs) {
        submit(job("job-" + epochs, epochs))
                .then().statusCode(422)
                .body("errors.find { it.field == 'epochs' }.message", equalTo("must be between 1 and 1000"));
    }

    @Test
    void everyInvalidFieldIsReportedAtOnce() {
        submit(Map.of("name", "-bad"))
                .then().statusCode(422)
                .body("errors.field", containsInAnyOrder("datasetId", "epochs", "name"));
    }

    @Test
    void unknownRecipeIsRefused() {
        Map<String, Object> job = job("with-recipe", 2);
        job.put("recipe", "no-such-recipe");
        submit(job)
                .then().statusCode(422)
                .body("errors.field", hasItem("recipe"))
                .body("errors.message", hasItem(containsString("tabular-classification")));
    }

    @Test
    void datasetIdThatIsNoUuidIsABadRequest() {
        Map<String, Object> job = job("bad-dataset-id", 2);
        job.put("datasetId", "not-a-uuid");
        submit(job)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("datasetId"));
    }

    @Test
    void malformedJsonIsABadRequest() {
        api().contentType(ContentType.JSON).body("{\"name\": \"a\",")
                .post("/api/v1/jobs")
                .then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void validJobIsCheckedAgainstItsDatasetFirst() {
        Map<String, Object> job = job("x123456789012345678901234567890123456789012345678901234567890._", 1000);
        job.put("recipe", "tabular-classification");
        job.put("hyperparameters", Map.of("learningRate", 0.05));
        unavailable(submit(job), "dataset-service");
    }

    @Test
    void unreachableProgressServiceIsServiceUnavailable() {
        unavailable(api().get("/api/v1/jobs"), "progress-service");
        unavailable(api().get("/api/v1/jobs/" + UUID.randomUUID()), "progress-service");
        unavailable(api().get("/api/v1/jobs/" + UUID.randomUUID() + "/events"), "progress-service");
    }

    @Test
    void idThatIsNoUuidIsNotFound() {
        api().get("/api/v1/jobs/42")
                .then().statusCode(404)
                .contentType("application/problem+json");
        api().get("/api/v1/jobs/42/events")
                .then().statusCode(404)
                .contentType("application/problem+json");
    }

    private static void unavailable(io.restassured.response.Response response, String service) {
        response.then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("detail", containsString(service));
    }

    private static Map<String, Object> job(String name, int epochs) {
        Map<String, Object> job = new HashMap<>();
        job.put("name", name);
        job.put("datasetId", UUID.randomUUID().toString());
        job.put("epochs", epochs);
        return job;
    }

    private io.restassured.response.Response submit(Map<String, Object> job) {
        return api().contentType(ContentType.JSON).body(job).post("/api/v1/jobs");
    }

    private RequestSpecification api() {
        return given().header("X-User", user);
    }
}
