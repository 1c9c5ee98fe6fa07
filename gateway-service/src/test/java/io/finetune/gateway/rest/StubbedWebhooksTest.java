package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * /api/v1/webhooks routed to progress-service ({@link WebhookStub}): the owner goes on in X-Owner,
 * the body and statuses pass through, and another user's webhook is 404 on every path.
 */
@QuarkusTest
@WithTestResource(WebhookStub.class)
class StubbedWebhooksTest {

    private static final String HOOK = "/api/v1/webhooks/" + WebhookStub.WEBHOOK;

    @Test
    void createAnswers201WithLocationAndTheGeneratedSecretOnce() {
        owner().contentType(ContentType.JSON).body(Map.of("url", "https://hooks.example.com/x")).post("/api/v1/webhooks")
                .then().statusCode(201)
                .header("Location", endsWith(HOOK))
                .body("id", equalTo(WebhookStub.WEBHOOK)).body("secret", equalTo("whsec_generated"));
        Map<String, String> seen = WebhookStub.SEEN.get("POST /webhooks");
        assertEquals(WebhookStub.OWNER, seen.get("x-owner"));
        assertTrue(seen.get("body").contains("\"url\":\"https://hooks.example.com/x\""), seen.get("body"));
    }

    @Test
    void listGetDeliveriesAndDeleteOfTheOwner() {
        owner().get("/api/v1/webhooks").then().statusCode(200).body("[0].id", equalTo(WebhookStub.WEBHOOK));
        owner().get(HOOK).then().statusCode(200).body("url", equalTo("https://hooks.example.com/x"));
        owner().get(HOOK + "/deliveries").then().statusCode(200)
                .body("[0].status", equalTo("delivered")).body("[0].attempts", equalTo(2));
        owner().delete(HOOK).then().statusCode(204);
    }

    @Test
    void anotherUsersWebhookIs404Everywhere() {
        RequestSpecification other = given().header("X-User", "user-" + UUID.randomUUID());
        other.get("/api/v1/webhooks").then().statusCode(200).body("size()", equalTo(0));
        given().header("X-User", "user-" + UUID.randomUUID()).get(HOOK).then().statusCode(404)
                .contentType("application/problem+json");
        given().header("X-User", "user-" + UUID.randomUUID()).get(HOOK + "/deliveries").then().statusCode(404);
        given().header("X-User", "user-" + UUID.randomUUID()).delete(HOOK).then().statusCode(404);
    }

    private static RequestSpecification owner() {
        return given().header("X-User", WebhookStub.OWNER);
    }
}
