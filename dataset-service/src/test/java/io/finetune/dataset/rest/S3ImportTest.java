package io.finetune.dataset.rest;

import static io.finetune.dataset.support.Api.OWNER;
import static io.finetune.dataset.support.ImportFiles.csv;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /datasets} with {@code source.s3}: an object of an allowed bucket (%test:
 * {@code dataset-imports}) copied inside the real store and validated like an upload.
 */
@QuarkusTest
class S3ImportTest {

    private static final String BUCKET = "dataset-imports";

    @Inject
    MinioClient minio;

    private String put(byte[] bytes) throws Exception {
        return ImportFiles.put(minio, BUCKET, bytes);
    }

    private static ValidatableResponse importObject(String owner, String name, String bucket, String key) {
        return given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", name, "source", Map.of("s3", Map.of("bucket", bucket, "key", key))))
                .when().post("/datasets").then();
    }

    private byte[] read(String bucket, String key) throws Exception {
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    @Test
    void importsAValidObjectAsAValidatedDatasetWithItsOwnCopy() throws Exception {
        byte[] bytes = csv(12);
        String key = put(bytes);
        String owner = Api.newOwner();
        String name = Api.newName();

        JsonPath created = importObject(owner, name, BUCKET, key).statusCode(201)
                .header("Location", containsString("/datasets/"))
                .body("name", equalTo(name))
                .body("status", equalTo("validated"))
                .body("kind", equalTo("tabular"))
                .body("rows", equalTo(12))
                .body("bytes", equalTo(bytes.length))
                .body("sha256", equalTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))))
                .extract().jsonPath();
        String id = created.getString("id");

        assertArrayEquals(bytes, read("datasets", id + "/data"), "the dataset's own copy in the datasets bucket");
        assertArrayEquals(bytes, read(BUCKET, key), "the source stays as it was");
        Api.get(owner, id).statusCode(200).body("status", equalTo("validated"));
        importObject(owner, name, BUCKET, key).statusCode(409);
    }

    @Test
    void aLargeObjectIsValidatedBehindA202() throws Exception {
        byte[] bytes = csv(200_000);
        assertTrue(bytes.length > 2 * 1024 * 1024, "over the %test limit of 2 MiB validated within the request");
        String owner = Api.newOwner();
        String id = importObject(owner, Api.newName(), BUCKET, put(bytes)).statusCode(202)
                .body("status", equalTo("validating"))
                .extract().path("id");

        JsonPath outcome = Api.awaitOutcome(owner, id);
        assertEquals("validated", outcome.getString("status"), () -> outcome.prettify());
        assertEquals(200_000, outcome.getInt("rows"));
    }

    @Test
    void aBadObjectIsRejectedWithTheSameProblemsAsAnUpload() throws Exception {
        String text = new String(csv(12), StandardCharsets.UTF_8).replace("63.25,0.3,fail", "hot,0.3,fail");
        importObject(Api.newOwner(), Api.newName(), BUCKET, put(text.getBytes(StandardCharsets.UTF_8))).statusCode(201)
                .body("status", equalTo("rejected"))
                .body("problems", contains(Map.of("line", 5, "column", "temperature",
                        "message", "'hot' is not a number; feature columns hold numbers such as 3, -0.25 or 1e-3")));
    }

    @Test
    void onlyAllowedBucketsAndExistingObjects() throws Exception {
        String owner = Api.newOwner();
        String name = Api.newName();
        importObject(owner, name, "datasets", "anything/data").statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("source.s3.bucket"))
                .body("errors[0].message", containsString("allowed: " + BUCKET));
        importObject(owner, name, BUCKET, "no/such/object.csv").statusCode(422)
                .body("errors.field", contains("source.s3.key"));
        given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", name, "source", Map.of("s3", Map.of("bucket", BUCKET))))
                .when().post("/datasets").then().statusCode(422)
                .body("errors.field", hasItem(containsString("key")));
        given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", name, "size", 100, "source", Map.of("s3", Map.of("bucket", BUCKET, "key", put(csv(12))))))
                .when().post("/datasets").then().statusCode(422)
                .body("errors.field", contains("source"));
        given().header(OWNER, owner).when().get("/datasets").then().statusCode(200)
                .body("name", not(hasItem(name)));
    }

    @Test
    void anObjectOverTheLimitIsRefusedWith413() throws Exception {
        byte[] big = new byte[20 * 1024 * 1024 + 1]; // the %test limit is 20 MiB
        importObject(Api.newOwner(), Api.newName(), BUCKET, put(big)).statusCode(413)
                .body("errors.field", contains("source.s3.key"));
    }
}
