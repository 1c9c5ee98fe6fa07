package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A burst degrades into 429s with Retry-After: per user (3 requests, then one every 5 s: Retry-After says how long until the next) and for
 * the whole gateway (2 API requests in flight; progress-service hangs so that they stay in flight).
 */
@QuarkusTest
@TestProfile(RateLimitTest.Tight.class)
class RateLimitTest {

    public static class Tight implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.rate-limit.burst", "3",
                    "gateway.rate-limit.per-second", "0.2",
                    "gateway.concurrency.max-in-flight", "2",
                    "quarkus.rest-client.progress-service.read-timeout", "3000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(HangingDownstream.class));
        }
    }

    @Test
    void aUserOverTheLimitGets429WithRetryAfterAndOthersGoOn() {
        String user = "user-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            given().header("X-User", user).get("/api/v1/recipes").then().statusCode(200);
        }
        given().header("X-User", user).get("/api/v1/recipes").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", Integer::parseInt, allOf(greaterThanOrEqualTo(1), lessThanOrEqualTo(5)))
                .body("status", equalTo(429));
        given().header("X-User", "user-" + UUID.randomUUID()).get("/api/v1/recipes").then().statusCode(200);
    }

    @Test
    void requestsBeyondTheGlobalGuardGet429AtOnce() throws Exception {
        // Two requests that hang on progress-service hold both slots until its 3 s timeout.
        List<CompletableFuture<Integer>> hanging = List.of(inFlight(), inFlight());
        Thread.sleep(1000);
        given().header("X-User", "user-" + UUID.randomUUID()).get("/api/v1/recipes").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", "1");
        for (CompletableFuture<Integer> request : hanging) {
            assertEquals(503, request.get());
        }
        // The slots are free again once those requests ended.
        given().header("X-User", "user-" + UUID.randomUUID()).get("/api/v1/recipes").then().statusCode(200);
    }

    private static CompletableFuture<Integer> inFlight() {
        return CompletableFuture.supplyAsync(() ->
                given().header("X-User", "user-" + UUID.randomUUID()).get("/api/v1/jobs").statusCode());
    }
}
