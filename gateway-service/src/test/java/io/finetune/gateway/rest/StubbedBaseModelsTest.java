package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Base models through the gateway ({@link StubDownstream} as scheduler-service): the registry's list for
 * any user, a job's {@code baseModel} passed on, its form and the recipe checked at the edge, and the
 * scheduler's 422 about the registry passed through.
 */
@QuarkusTest
@WithTestResource(StubDownstream.class)
class StubbedBaseModelsTest {

    private static final String BASE_MODEL = StubDownstream.BASE_MODEL;

    @Test
    void anyUserListsTheSameBaseModels() {
        for (String user : List.of(StubDownstream.OWNER, "user-" + UUID.randomUUID())) {
            given().header("X-User", user).get("/api/v1/base-models").then().statusCode(200)
                    .contentType(ContentType.JSON)
                    .body("name", contains(BASE_MODEL))
                    .body("[0].versions.version", contains(1, 2))
                    .body("[0].versions[1].recipe", equalTo("tabular-classification"))
                    .body("[0].versions[1].sha256", equalTo("2".repeat(64)));
        }
    }

    @Test
    void aJobsBaseModelGoesOnToTheScheduler() {
        submit(job("pinned", null, BASE_MODEL + ":2")).statusCode(201);
        assertTrue(forwarded().contains("\"baseModel\":\"" + BASE_MODEL + ":2\""), forwarded());

        submit(job("newest", "tabular-classification", BASE_MODEL)).statusCode(201);
        assertTrue(forwarded().contains("\"baseModel\":\"" + BASE_MODEL + "\""), forwarded());

        submit(job("none", null, null)).statusCode(201);
        assertFalse(forwarded().contains("baseModel"), "no base model: none forwarded");
    }

    @Test
    void aMalformedBaseModelOrARecipeThatTakesNoneIs422AtTheEdge() {
        for (String malformed : List.of("Backbone", "backbone:0", "a/b", "x:1:2", "")) {
            StubDownstream.SEEN.remove("POST /jobs");
            submit(job("malformed", null, malformed)).statusCode(422).contentType("application/problem+json")
                    .body("errors.field", contains("baseModel"));
            assertNull(StubDownstream.SEEN.get("POST /jobs"), "refused before the scheduler: " + malformed);
        }
        submit(job("text", "text-classification", BASE_MODEL)).statusCode(422)
                .body("errors.field", contains("baseModel"))
                .body("errors[0].message", containsString("built-in base model"));
    }

    @Test
    void theSchedulersRefusalOfAnUnregisteredBaseModelPassesThrough() {
        submit(job("unknown", null, StubDownstream.UNREGISTERED_BASE_MODEL)).statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("baseModel"))
                .body("errors[0].message", containsString("registered: [" + BASE_MODEL + "]"));
    }

    private static Map<String, Object> job(String name, String recipe, String baseModel) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "datasetId", StubDownstream.DATASET, "epochs", 2));
        if (recipe != null) {
            body.put("recipe", recipe);
        }
        if (baseModel != null) {
            body.put("baseModel", baseModel);
        }
        return body;
    }

    private static ValidatableResponse submit(Map<String, Object> body) {
        return given().header("X-User", StubDownstream.OWNER).contentType(ContentType.JSON).body(body)
                .post("/api/v1/jobs").then();
    }

    private static String forwarded() {
        return StubDownstream.SEEN.get("POST /jobs").get("body");
    }
}
