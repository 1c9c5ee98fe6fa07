package io.finetune.dataset.rest;

import static io.finetune.dataset.support.Api.OWNER;
import static io.finetune.dataset.support.Api.get;
import static io.finetune.dataset.support.Api.newName;
import static io.finetune.dataset.support.Api.newOwner;
import static io.finetune.dataset.support.Api.uploadSingle;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.dataset.service.ObjectStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The same bytes uploaded again by the same owner: recognised by SHA-256, one stored copy kept. */
@QuarkusTest
class DuplicateContentTest {

    @Inject
    ObjectStore store;

    @Test
    void sameContentBySameOwnerSharesTheFirstObject() throws Exception {
        byte[] csv = MultipartUploadTest.csvOfSize(4096);
        String sha = DatasetResourceTest.sha256(new String(csv, StandardCharsets.UTF_8));
        String owner = newOwner();
        String first = uploadSingle(owner, newName(), csv).statusCode(200)
                .body("status", equalTo("validated"))
                .body("sha256", equalTo(sha))
                .body("duplicateOf", nullValue())
                .extract().path("id");
        String second = uploadSingle(owner, newName(), csv).statusCode(200)
                .body("status", equalTo("validated"))
                .body("sha256", equalTo(sha))
                .body("duplicateOf", equalTo(first))
                .extract().path("id");
        assertTrue(store.size(second + "/data").isEmpty(), "the second copy is deleted");
        assertTrue(store.size(first + "/data").isPresent());

        // another owner's identical file is theirs alone
        uploadSingle(newOwner(), newName(), csv).statusCode(200).body("duplicateOf", nullValue());

        // deleting the first keeps the object the second still uses
        given().header(OWNER, owner).when().delete("/datasets/{id}", first).then().statusCode(204);
        assertTrue(store.size(first + "/data").isPresent(), "still used by the duplicate");
        get(owner, second).statusCode(200).body("status", equalTo("validated"));
        given().header(OWNER, owner).when().delete("/datasets/{id}", second).then().statusCode(204);
        assertTrue(store.size(first + "/data").isEmpty(), "deleted with the last dataset that used it");
    }
}
