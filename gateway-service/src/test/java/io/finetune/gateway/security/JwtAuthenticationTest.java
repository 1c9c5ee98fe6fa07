package io.finetune.gateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Identity as in production: a bearer JWT from the configured issuer, signed with its key. The
 * owning services are unreachable in tests, so a 503 (or a 422 from the edge) shows that a request
 * got past authentication.
 */
@QuarkusTest
@TestProfile(JwtOnlyProfile.class)
class JwtAuthenticationTest {

    private final String user = "user-" + UUID.randomUUID();

    @Test
    void userHeaderIsIgnoredWhenNotTrusted() {
        given().header("X-User", user)
                .get("/api/v1/jobs")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
    }

    @Test
    void validTokenIsAccepted() {
        given().auth().oauth2(TestTokens.valid(user))
                .get("/api/v1/datasets")
                .then().statusCode(503)
                .contentType("application/problem+json");

        given().auth().oauth2(TestTokens.valid(user))
                .contentType(ContentType.JSON).body(Map.of("name", "bad name!"))
                .post("/api/v1/datasets")
                .then().statusCode(422)
                .body("errors.field", hasItem("name"));
    }

    @Test
    void expiredTokenIsRejected() {
        rejected(TestTokens.expired(user));
    }

    @Test
    void tokenOfAnotherIssuerIsRejected() {
        rejected(TestTokens.fromIssuer("https://elsewhere.example.org", user));
    }

    @Test
    void tokenSignedWithAnotherKeyIsRejected() {
        rejected(TestTokens.signedWithAnotherKey(user));
    }

    @Test
    void garbageTokenIsRejected() {
        rejected("not-a-jwt");
    }

    private static void rejected(String token) {
        given().auth().oauth2(token)
                .get("/api/v1/jobs")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
    }
}
