package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge of /api/v1/datasets. In %test dataset-service is unreachable, so a request that passes
 * the edge ends in 503: a 4xx here was decided by the gateway without calling anyone.
 */
@QuarkusTest
class DatasetResourceTest {

    private final String user = "user-" + UUID.randomUUID();

    @ParameterizedTest
    @ValueSource(strings = {"", " leading-space", "-dash-first", "semi;colon", "slash/name", "tab\tname",
            "x12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"})
    void invalidNamesAreRefused(String name) {
        api().contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/v1/datasets")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("name"));
    }

    @Test
    void missingNameIsRefused() {
        api().contentType(ContentType.JSON).body("{}")
                .post("/api/v1/datasets")
                .then().statusCode(422)
                .body("errors.find { it.field == 'name' }.message", equalTo("is required"));
    }

    @Test
    void malformedJsonIsABadRequest() {
        api().contentType(ContentType.JSON).body("{\"name\": ")
                .post("/api/v1/datasets")
                .then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void missingBodyIsRefused() {
        api().contentType(ContentType.JSON)
                .post("/api/v1/datasets")
                .then().statusCode(422)
                .contentType("application/problem+json");
    }

    @Test
    void idThatIsNoUuidIsNotFound() {
        api().get("/api/v1/datasets/not-a-uuid")
                .then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void validNameGoesToDatasetService() {
        for (String name : new String[] {"a", "Sales 2026 v1.2_final-b",
                "x123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"}) {
            unavailable(api().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/v1/datasets"));
        }
    }

    @Test
    void unreachableDatasetServiceIsServiceUnavailable() {
        String id = UUID.randomUUID().toString();
        unavailable(api().get("/api/v1/datasets"));
        unavailable(api().get("/api/v1/datasets/" + id));
        unavailable(api().post("/api/v1/datasets/" + id + "/complete"));
        unavailable(api().contentType(ContentType.JSON).body("{\"parts\": [{\"partNumber\": 1, \"etag\": \"e\"}]}")
                .post("/api/v1/datasets/" + id + "/complete"));
        unavailable(api().contentType(ContentType.JSON).body(Map.of("partNumbers", new int[] {1, 2}))
                .post("/api/v1/datasets/" + id + "/parts"));
        unavailable(api().get("/api/v1/datasets/" + id + "/parts"));
        unavailable(api().delete("/api/v1/datasets/" + id));
    }

    @Test
    void multipartCreateFieldsAreCheckedAtTheEdge() {
        unavailable(api().contentType(ContentType.JSON)
                .body(Map.of("name", "big", "size", 10L << 30, "contentType", "text/csv", "upload", "multipart"))
                .post("/api/v1/datasets"));
        api().contentType(ContentType.JSON).body(Map.of("name", "big", "size", 0))
                .post("/api/v1/datasets")
                .then().statusCode(422)
                .body("errors.field", hasItem("size"));
        api().contentType(ContentType.JSON).body(Map.of("name", "big", "upload", "sideways"))
                .post("/api/v1/datasets")
                .then().statusCode(422)
                .body("errors.field", hasItem("upload"));
    }

    @Test
    void presigningPartsNeedsABody() {
        api().contentType(ContentType.JSON)
                .post("/api/v1/datasets/" + UUID.randomUUID() + "/parts")
                .then().statusCode(422)
                .contentType("application/problem+json");
    }

    private static void unavailable(io.restassured.response.Response response) {
        response.then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("detail", containsString("dataset-service"));
    }

    private RequestSpecification api() {
        return given().header("X-User", user);
    }
}
