package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every endpoint of /api/v1 refuses a request without identity before it reads or forwards anything. */
@QuarkusTest
class AuthenticationRequiredTest {

    private static final String ENDPOINTS = """
            POST, /api/v1/datasets
            GET,  /api/v1/datasets
            GET,  /api/v1/datasets/{id}
            POST, /api/v1/datasets/{id}/complete
            POST, /api/v1/jobs
            GET,  /api/v1/jobs
            GET,  /api/v1/jobs/{id}
            GET,  /api/v1/jobs/{id}/events
            POST, /api/v1/jobs/{id}/cancel
            GET,  /api/v1/jobs/stream
            GET,  /api/v1/jobs/{id}/stream
            GET,  /api/v1/recipes
            GET,  /api/v1/base-models
            GET,  /api/v1/models
            GET,  /api/v1/models/churn
            GET,  /api/v1/models/churn/versions/latest
            POST, /api/v1/models/churn/predict
            POST, /api/v1/models/churn/predictions
            GET,  /api/v1/jobs/{id}/predictions
            """;

    @ParameterizedTest
    @CsvSource(textBlock = ENDPOINTS)
    void withoutIdentity(String method, String path) {
        given().contentType(ContentType.JSON).body("{not json")
                .request(method, path.replace("{id}", UUID.randomUUID().toString()))
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
    }

    @ParameterizedTest
    @CsvSource(textBlock = ENDPOINTS)
    void withAnInvalidUserHeader(String method, String path) {
        given().header("X-User", "x".repeat(256)).contentType(ContentType.JSON).body("{}")
                .request(method, path.replace("{id}", UUID.randomUUID().toString()))
                .then().statusCode(401)
                .contentType("application/problem+json");
    }
}
