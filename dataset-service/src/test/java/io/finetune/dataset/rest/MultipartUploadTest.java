package io.finetune.dataset.rest;

import static io.finetune.dataset.support.Api.OWNER;
import static io.finetune.dataset.support.Api.complete;
import static io.finetune.dataset.support.Api.create;
import static io.finetune.dataset.support.Api.get;
import static io.finetune.dataset.support.Api.newName;
import static io.finetune.dataset.support.Api.newOwner;
import static io.finetune.dataset.support.Api.partUrls;
import static io.finetune.dataset.support.Api.put;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.common.events.DatasetEvent;
import io.finetune.dataset.EventReader;
import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.service.ObjectStore;
import io.finetune.dataset.service.ObjectStore.RejectedByStoreException;
import io.finetune.dataset.service.UploadSweeper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Multipart uploads with presigned part URLs against the real store. The %test profile shrinks the
 * limits (5 MiB parts, 20 MiB files, validation behind a 202 above 2 MiB) so that small files show
 * every path.
 */
@QuarkusTest
class MultipartUploadTest {

    @Inject
    DatasetConfig config;

    @Inject
    ObjectStore store;

    @Inject
    UploadSweeper sweeper;

    /** A valid CSV of at least {@code bytes} bytes. */
    static byte[] csvOfSize(long bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) bytes + 64);
        out.writeBytes("f1,f2,label\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; out.size() < bytes; i++) {
            out.writeBytes((i % 1000 + ".25," + (i % 7) + ",c" + (i % 3) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** S3 answers NoSuchUpload for an aborted upload; S3Proxy's filesystem backend an empty list. */
    private boolean partsGone(String key, String uploadId) {
        try {
            return store.listParts(key, uploadId).isEmpty();
        } catch (RejectedByStoreException e) {
            return "NoSuchUpload".equals(e.code());
        }
    }

    private byte[] part(byte[] file, int partNumber) {
        int size = (int) config.partSize();
        int from = (partNumber - 1) * size;
        return Arrays.copyOfRange(file, from, Math.min(file.length, from + size));
    }

    @Test
    void brokenUploadResumesFromTheStoredPartsAndValidatesBehindA202() throws Exception {
        String owner = newOwner();
        byte[] file = csvOfSize(5 * 1024 * 1024 + 100 * 1024);
        JsonPath created = create(owner, Map.of("name", newName(), "size", file.length, "contentType", "text/csv"))
                .statusCode(201)
                .body("upload", equalTo("multipart"))
                .body("partSize", equalTo((int) config.partSize()))
                .body("partCount", equalTo(2))
                .extract().jsonPath();
        String id = created.getString("id");
        assertEquals(id + "/data", created.getString("key"));
        assertFalse(created.getString("uploadId").isBlank());

        try (EventReader events = EventReader.fromNow()) {
            Map<Integer, String> urls = partUrls(owner, id, List.of(1, 2));
            assertTrue(urls.get(1).contains("partNumber=1") && urls.get(1).contains("X-Amz-Signature="), urls.get(1));
            String etag1 = put(urls.get(1), part(file, 1));
            // the connection breaks here; the client comes back and asks what the store already holds
            given().header(OWNER, owner).when().get("/datasets/{id}/parts", id).then()
                    .statusCode(200)
                    .body("uploadId", equalTo(created.getString("uploadId")))
                    .body("partCount", equalTo(2))
                    .body("parts.partNumber", contains(1))
                    .body("parts[0].size", equalTo((int) config.partSize()))
                    .body("parts[0].etag", equalTo(etag1.replace("\"", "")));
            get(owner, id).statusCode(200).body("status", equalTo("awaiting_upload"))
                    .body("uploadId", equalTo(created.getString("uploadId")));

            String etag2 = put(partUrls(owner, id, List.of(2)).get(2), part(file, 2));
            given().header(OWNER, owner).contentType(ContentType.JSON)
                    .body(Map.of("parts", List.of(Map.of("partNumber", 1, "etag", etag1),
                            Map.of("partNumber", 2, "etag", etag2))))
                    .when().post("/datasets/{id}/complete", id).then()
                    .statusCode(202)
                    .body("status", equalTo("validating"))
                    .body("bytes", equalTo(file.length));

            JsonPath outcome = io.finetune.dataset.support.Api.awaitOutcome(owner, id);
            assertEquals("validated", outcome.getString("status"), () -> outcome.prettify());
            assertEquals(file.length, outcome.getLong("bytes"));
            assertEquals(List.of("f1", "f2", "label"), outcome.getList("columns"));
            assertEquals(null, outcome.getString("uploadId"));
            assertEquals(1, events.awaitType(id, DatasetEvent.VALIDATED).size());
        }
        // the upload is over: no more part URLs
        given().header(OWNER, owner).contentType(ContentType.JSON).body(Map.of("partNumbers", List.of(1)))
                .when().post("/datasets/{id}/parts", id).then().statusCode(409);
    }

    @Test
    void completingWithoutABodyJoinsEveryStoredPart() throws Exception {
        String owner = newOwner();
        byte[] file = csvOfSize(6 * 1024 * 1024);
        String id = create(owner, newName(), (long) file.length, null).statusCode(201)
                .body("partCount", equalTo(2)).extract().path("id");
        Map<Integer, String> urls = partUrls(owner, id, List.of(1, 2));
        put(urls.get(1), part(file, 1));
        put(urls.get(2), part(file, 2));
        complete(owner, id).statusCode(202).body("bytes", equalTo(file.length));
        assertEquals("validated", io.finetune.dataset.support.Api.awaitOutcome(owner, id).getString("status"));
    }

    @Test
    void wrongETagIsRefusedAndTheUploadStaysOpen() throws Exception {
        String owner = newOwner();
        byte[] file = csvOfSize(1024 * 1024);
        String id = create(owner, newName(), (long) file.length, "multipart").statusCode(201)
                .body("partCount", equalTo(1)).extract().path("id");
        put(partUrls(owner, id, List.of(1)).get(1), file);
        given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("parts", List.of(Map.of("partNumber", 1, "etag", "\"0123456789abcdef0123456789abcdef\""))))
                .when().post("/datasets/{id}/complete", id).then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("the upload stays open"));
        given().header(OWNER, owner).contentType(ContentType.JSON).body("{\"parts\": [{\"partNumber\": 1}]}")
                .when().post("/datasets/{id}/complete", id).then()
                .statusCode(422)
                .body("errors.field", hasItems("etag"));
        complete(owner, id).statusCode(200).body("status", equalTo("validated"));
    }

    @Test
    void partNumbersOutsideThePlanAreRefused() {
        String owner = newOwner();
        String id = create(owner, newName(), 12L * 1024 * 1024, null).statusCode(201).extract().path("id");
        given().header(OWNER, owner).contentType(ContentType.JSON).body(Map.of("partNumbers", List.of(0, 2, 4)))
                .when().post("/datasets/{id}/parts", id).then()
                .statusCode(422)
                .body("errors.field", contains("partNumbers[0]", "partNumbers[2]"))
                .body("errors[0].message", equalTo("must be a part number from 1 to 3"));
        given().header(OWNER, owner).contentType(ContentType.JSON).body(Map.of("partNumbers", List.of()))
                .when().post("/datasets/{id}/parts", id).then().statusCode(422);
        String single = create(owner, newName(), 100L, null).statusCode(201).body("upload", equalTo("single"))
                .extract().path("id");
        given().header(OWNER, owner).contentType(ContentType.JSON).body(Map.of("partNumbers", List.of(1)))
                .when().post("/datasets/{id}/parts", single).then()
                .statusCode(409)
                .body("detail", containsString("not in parts"));
        given().header(OWNER, newOwner()).contentType(ContentType.JSON).body(Map.of("partNumbers", List.of(1)))
                .when().post("/datasets/{id}/parts", id).then().statusCode(404);
    }

    @Test
    void declaredSizeOverTheLimitIsRefusedAtCreation() {
        String owner = newOwner();
        String name = newName();
        create(owner, name, config.maxBytes() + 1, null)
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most " + config.maxBytes() + " bytes"))
                .body("errors[0].field", equalTo("size"));
        create(owner, name, 0L, null).statusCode(422).body("errors[0].field", equalTo("size"));
        create(owner, name, 10L, "both").statusCode(422).body("errors[0].field", equalTo("upload"));
        create(owner, name, config.maxBytes(), null).statusCode(201).body("upload", equalTo("multipart"));
    }

    @Test
    void realSizeOverTheLimitIsRejectedAndDeletedAtCompletion() throws Exception {
        String owner = newOwner();
        // declared small, uploaded larger: five full parts of 5 MiB are 25 MiB, over the 20 MiB limit
        String id = create(owner, newName(), 1024L, "multipart").statusCode(201).extract().path("id");
        byte[] part = new byte[(int) config.partSize()];
        Arrays.fill(part, (byte) 'a');
        Map<Integer, String> urls = partUrls(owner, id, List.of(1));
        put(urls.get(1), part);
        // the plan said one part; a client that ignores it is stopped at presigning
        given().header(OWNER, owner).contentType(ContentType.JSON).body(Map.of("partNumbers", List.of(2)))
                .when().post("/datasets/{id}/parts", id).then().statusCode(422);

        String unplanned = create(owner, newName(), null, "multipart").statusCode(201).extract().path("id");
        Map<Integer, String> many = partUrls(owner, unplanned, List.of(1, 2, 3, 4, 5));
        for (int n = 1; n <= 5; n++) {
            put(many.get(n), part);
        }
        String uploadId = get(owner, unplanned).extract().path("uploadId");
        complete(owner, unplanned).statusCode(200)
                .body("status", equalTo("rejected"))
                .body("bytes", equalTo(5 * part.length))
                .body("problems[0].message", containsString("more than the limit of " + config.maxBytes() + " bytes"));
        assertTrue(partsGone(unplanned + "/data", uploadId), "the parts are dropped");

        // a single PUT has no declared size: the real one is checked at completion, and the object deleted
        byte[] big = new byte[(int) config.maxBytes() + 1];
        Arrays.fill(big, (byte) 'b');
        JsonPath single = create(owner, newName(), null, null).statusCode(201).extract().jsonPath();
        put(single.getString("uploadUrl"), big);
        complete(owner, single.getString("id")).statusCode(200)
                .body("status", equalTo("rejected"))
                .body("problems[0].message", containsString("more than the limit"));
        assertTrue(store.size(single.getString("id") + "/data").isEmpty(), "the object is deleted");
    }

    @Test
    void deleteAbortsTheUploadFreesTheNameAndAnnounces() throws Exception {
        String owner = newOwner();
        String name = newName();
        String id = create(owner, name, 6L * 1024 * 1024, null).statusCode(201).extract().path("id");
        String uploadId = get(owner, id).extract().path("uploadId");
        byte[] part = new byte[(int) config.partSize()];
        put(partUrls(owner, id, List.of(1)).get(1), part);
        try (EventReader events = EventReader.fromNow()) {
            given().header(OWNER, newOwner()).when().delete("/datasets/{id}", id).then().statusCode(404);
            given().header(OWNER, owner).when().delete("/datasets/{id}", id).then().statusCode(204);
            assertEquals(1, events.awaitType(id, DatasetEvent.DELETED).size());
        }
        get(owner, id).statusCode(404);
        given().header(OWNER, owner).when().delete("/datasets/{id}", id).then().statusCode(404);
        assertTrue(partsGone(id + "/data", uploadId), "the parts are dropped");
        create(owner, name, null, null).statusCode(201);
    }

    @Test
    void theSweepAbortsUploadsAbandonedLongerThanTheLimit() throws Exception {
        String owner = newOwner();
        String abandoned = create(owner, newName(), 6L * 1024 * 1024, null).statusCode(201).extract().path("id");
        String uploadId = get(owner, abandoned).extract().path("uploadId");
        put(partUrls(owner, abandoned, List.of(1)).get(1), new byte[(int) config.partSize()]);
        String fresh = create(owner, newName(), 6L * 1024 * 1024, null).statusCode(201).extract().path("id");
        Instant longAgo = Instant.now().minus(config.abandonAfter()).minus(Duration.ofMinutes(1));
        QuarkusTransaction.requiringNew().run(() -> Dataset.update("statusSince = ?1 where id = ?2", longAgo,
                UUID.fromString(abandoned)));

        assertTrue(sweeper.sweep(Instant.now()) >= 1);
        get(owner, abandoned).statusCode(404);
        assertTrue(partsGone(abandoned + "/data", uploadId), "the parts are dropped");
        get(owner, fresh).statusCode(200).body("status", equalTo("awaiting_upload"));
    }
}
