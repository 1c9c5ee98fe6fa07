package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
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
 * The edge of /api/v1/webhooks. In %test progress-service is unreachable, so a request that passes
 * the edge ends in 503: a 4xx here was decided by the gateway without calling anyone.
 */
@QuarkusTest
class WebhookResourceTest {

    private final String user = "user-" + UUID.randomUUID();

    @ParameterizedTest
    @ValueSource(strings = {"", "not a url", "ftp://hooks.example.com/x", "file:///etc/passwd", "/relative",
            "https://user:pw@hooks.example.com/x", "https://hooks.example.com/x#fragment"})
    void badUrlsAre422NamingTheField(String url) {
        api().contentType(ContentType.JSON).body(Map.of("url", url)).post("/api/v1/webhooks")
                .then().statusCode(422).contentType("application/problem+json").body("errors.field", hasItem("url"));
    }

    @Test
    void missingUrlAndShortSecretAre422() {
        api().contentType(ContentType.JSON).body("{}").post("/api/v1/webhooks")
                .then().statusCode(422).body("errors.find { it.field == 'url' }.message", equalTo("is required"));
        api().contentType(ContentType.JSON).body(Map.of("url", "https://hooks.example.com/x", "secret", "short"))
                .post("/api/v1/webhooks")
                .then().statusCode(422).body("errors.field", hasItem("secret"));
    }

    @Test
    void malformedOrMissingBody() {
        api().contentType(ContentType.JSON).body("{\"url\": ").post("/api/v1/webhooks")
                .then().statusCode(400).contentType("application/problem+json");
        api().contentType(ContentType.JSON).body(Map.of("url", 5)).post("/api/v1/webhooks")
                .then().statusCode(400).body("errors[0].field", equalTo("url"));
        api().contentType(ContentType.JSON).post("/api/v1/webhooks")
                .then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void aPathIdThatIsNoUuidIs404() {
        api().get("/api/v1/webhooks/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
        api().delete("/api/v1/webhooks/not-a-uuid").then().statusCode(404);
        api().get("/api/v1/webhooks/not-a-uuid/deliveries").then().statusCode(404);
    }

    @Test
    void noIdentityIs401() {
        given().get("/api/v1/webhooks").then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("url", "https://hooks.example.com/x"))
                .post("/api/v1/webhooks").then().statusCode(401);
        given().delete("/api/v1/webhooks/" + UUID.randomUUID()).then().statusCode(401);
    }

    @Test
    void aValidRequestGoesToProgressService() {
        api().contentType(ContentType.JSON).body(Map.of("url", "https://hooks.example.com/x")).post("/api/v1/webhooks")
                .then().statusCode(503).header("Retry-After", equalTo("5"));
        api().get("/api/v1/webhooks").then().statusCode(503);
        api().get("/api/v1/webhooks/" + UUID.randomUUID() + "/deliveries").then().statusCode(503);
    }

    private RequestSpecification api() {
        return given().header("X-User", user);
    }
}
