package io.finetune.dataset.rest;

import static io.finetune.dataset.support.Api.OWNER;
import static io.finetune.dataset.support.ImportFiles.csv;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.finetune.dataset.support.Api;
import io.finetune.dataset.support.ImportFiles;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /datasets} with {@code source.s3} and the user's own credentials: the object is read
 * from "another" store with those credentials and streamed into the platform's store. The other
 * store here is the test S3Proxy itself, in a bucket that is not one of {@code dataset.import-buckets}
 * (so only the user's credentials can bring it in), reached over loopback (allowed in %test).
 */
@QuarkusTest
class OtherStoreImportTest {

    private static final String BUCKET = "user-exports";

    @Inject
    MinioClient minio;

    @ConfigProperty(name = "quarkus.minio.host")
    String endpoint;
    @ConfigProperty(name = "quarkus.minio.access-key")
    String accessKey;
    @ConfigProperty(name = "quarkus.minio.secret-key")
    String secretKey;

    private String put(byte[] bytes) throws Exception {
        return ImportFiles.put(minio, BUCKET, bytes);
    }

    private ValidatableResponse importObject(String owner, String bucket, String key, String secret) {
        Map<String, Object> s3 = new HashMap<>(Map.of("endpoint", endpoint, "region", "us-east-1", "bucket", bucket,
                "key", key, "accessKeyId", accessKey, "secretAccessKey", secret));
        return given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", Api.newName(), "source", Map.of("s3", s3)))
                .when().post("/datasets").then();
    }

    @Test
    void importsWithTheUsersCredentialsAndKeepsThemNowhere() throws Exception {
        byte[] bytes = csv(20);
        String key = put(bytes);
        String owner = Api.newOwner();
        JsonPath created = importObject(owner, BUCKET, key, secretKey).statusCode(201)
                .body("status", equalTo("validated"))
                .body("rows", equalTo(20))
                .body("source", equalTo("s3://" + BUCKET + "/" + key + " at 127.0.0.1"))
                .extract().jsonPath();
        String id = created.getString("id");
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket("datasets").object(id + "/data").build())) {
            assertArrayEquals(bytes, in.readAllBytes(), "the platform's own copy");
        }
        String shown = Api.get(owner, id).extract().asString() + given().header(OWNER, owner).get("/datasets").asString();
        assertFalse(shown.contains(secretKey), "the secret is never shown back");
    }

    @Test
    void aLargeObjectStreamsInBehindA202() throws Exception {
        String owner = Api.newOwner();
        String id = importObject(owner, BUCKET, put(csv(200_000)), secretKey).statusCode(202)
                .body("status", equalTo("importing"))
                .extract().path("id");
        JsonPath outcome = Api.awaitOutcome(owner, id);
        assertEquals("validated", outcome.getString("status"), outcome::prettify);
        assertEquals(200_000, outcome.getInt("rows"));
    }

    @Test
    void wrongCredentialsMissingObjectsAndHalfCredentialsAre422() throws Exception {
        String key = put(csv(12));
        String owner = Api.newOwner();
        importObject(owner, BUCKET, key, "not-the-secret").statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("source.s3"))
                .body("errors[0].message", containsString("refused these credentials"))
                .body(org.hamcrest.Matchers.not(containsString("not-the-secret")));
        importObject(owner, BUCKET, "no/such/object.csv", secretKey).statusCode(422)
                .body("errors.field", contains("source.s3.key"));
        given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", Api.newName(), "source", Map.of("s3", Map.of("bucket", BUCKET, "key", key,
                        "accessKeyId", accessKey))))
                .when().post("/datasets").then().statusCode(422)
                .body("errors.field", contains("source.s3.secretAccessKey"));
        given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", Api.newName(), "source", Map.of("s3", Map.of("bucket", BUCKET, "key", key,
                        "endpoint", endpoint))))
                .when().post("/datasets").then().statusCode(422)
                .body("errors.field", contains("source.s3"));
        given().header(OWNER, owner).get("/datasets").then().statusCode(200).body("size()", equalTo(0));
    }
}
