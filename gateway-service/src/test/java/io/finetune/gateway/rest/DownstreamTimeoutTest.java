package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An owning service that does not answer costs the caller its timeout (1 s here), then a 503. */
@QuarkusTest
@WithTestResource(HangingDownstream.class)
class DownstreamTimeoutTest {

    @Test
    void hangingProgressServiceIsServiceUnavailable() {
        given().header("X-User", "user-" + UUID.randomUUID())
                .get("/api/v1/jobs")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("detail", containsString("progress-service"))
                .time(lessThan(5L), TimeUnit.SECONDS);
    }
}
