package io.finetune.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.e2e.Csv;
import io.finetune.e2e.Platform;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User B holding user A's ids gets 404 on every endpoint (the same answer as for an id that does not
 * exist, so B learns nothing), and A's presigned URLs are bound to one object and to their expiry.
 */
class CrossUserTest {

    private static final String DATASETS = "/api/v1/datasets";
    private static final String JOBS = "/api/v1/jobs";
    private static final String MODELS = "/api/v1/models";
    /** dataset-service's upload-expiry and part-url-expiry as packaged: the longest a URL may live. */
    private static final long MAX_UPLOAD_URL_SECONDS = 3600;
    private static final long MAX_PART_URL_SECONDS = 900;

    private static Platform platform;
    private static Api api;
    private static final List<String> TABLE = new ArrayList<>();

    private final String alice = "alice-" + UUID.randomUUID();
    private final String bob = "bob-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.shared();
        api = new Api(platform.gatewayUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println("\n[cross-user] what user B tried with user A's ids and URLs -> answer");
        TABLE.forEach(System.out::println);
        ServiceLogs.assertNoSecrets();
    }

    @Test
    void anotherUsersIdsAreNotFoundOnEveryEndpoint() {
        JsonNode dataset = api.upload(alice, "alice-data", Csv.blobs(60, 3, 2, 3).getBytes(StandardCharsets.UTF_8));
        String datasetId = dataset.path("id").asText();
        Api.Answer created = api.post(alice, DATASETS, Map.of("name", "alice-multipart", "size", 100L * 1024 * 1024,
                "upload", "multipart"));
        assertEquals(201, created.status(), created.body());
        String uploadId = created.json().path("id").asText();
        String idempotencyKey = "alice-key-" + UUID.randomUUID();
        Api.Answer job = api.send(alice, "POST", JOBS, "application/json",
                ("{\"name\":\"alice-job\",\"datasetId\":\"" + datasetId + "\",\"epochs\":1}").getBytes(StandardCharsets.UTF_8),
                Map.of("Idempotency-Key", idempotencyKey));
        assertEquals(201, job.status(), job.body());
        String jobId = job.json().path("id").asText();

        Map<String, Api.Answer> tries = new LinkedHashMap<>();
        tries.put("GET /datasets/{A's dataset}", api.get(bob, DATASETS + "/" + datasetId));
        tries.put("GET /datasets/{A's upload}/parts", api.get(bob, DATASETS + "/" + uploadId + "/parts"));
        tries.put("POST /datasets/{A's upload}/parts", api.post(bob, DATASETS + "/" + uploadId + "/parts", Map.of("partNumbers", List.of(1))));
        tries.put("POST /datasets/{A's upload}/complete", api.post(bob, DATASETS + "/" + uploadId + "/complete", null));
        tries.put("POST /datasets/{A's dataset}/complete", api.post(bob, DATASETS + "/" + datasetId + "/complete", null));
        tries.put("DELETE /datasets/{A's dataset}", api.send(bob, "DELETE", DATASETS + "/" + datasetId, null, null, Map.of()));
        tries.put("DELETE /datasets/{A's upload}", api.send(bob, "DELETE", DATASETS + "/" + uploadId, null, null, Map.of()));
        tries.put("POST /jobs on A's dataset", api.post(bob, JOBS, Map.of("name", "bob-job", "datasetId", datasetId, "epochs", 1)));
        tries.put("GET /jobs/{A's job}", api.get(bob, JOBS + "/" + jobId));
        tries.put("POST /jobs/{A's job}/cancel", api.post(bob, JOBS + "/" + jobId + "/cancel", null));
        tries.put("GET /jobs/{A's job}/events", api.get(bob, JOBS + "/" + jobId + "/events"));
        tries.put("GET /jobs/{A's job}/stream", api.send(bob, "GET", JOBS + "/" + jobId + "/stream", null, null,
                Map.of("Accept", "text/event-stream")));
        Api.Answer unknown = api.get(bob, JOBS + "/" + UUID.randomUUID());
        for (var t : tries.entrySet()) {
            Api.Answer a = t.getValue();
            TABLE.add(String.format("  %-45s -> %s %s", t.getKey(), a.status(), a.status() == 404 && a.isProblem() ? "held" : "FAILED"));
        }
        tries.forEach((what, a) -> {
            assertEquals(404, a.status(), what + ": " + a.body());
            assertTrue(a.isProblem(), what + ": " + a.contentType());
            assertFalse(a.body().contains(alice), what + " names the owner: " + a.body());
        });
        // the same answer as for an id nobody has: B cannot tell that A's id exists
        assertEquals(unknown.json().path("title").asText(), tries.get("GET /jobs/{A's job}").json().path("title").asText());

        // lists: nothing of A's, also not by name or through A's idempotency key
        assertFalse(api.get(bob, DATASETS).body().contains(datasetId), "B's dataset list");
        assertFalse(api.get(bob, JOBS).body().contains(jobId), "B's job list");
        assertEquals("[]", api.get(bob, JOBS + "?name=alice-job").body().replace(" ", ""), "B's job list by A's job name");
        Api.Answer replay = api.send(bob, "POST", JOBS, "application/json",
                ("{\"name\":\"alice-job\",\"datasetId\":\"" + datasetId + "\",\"epochs\":1}").getBytes(StandardCharsets.UTF_8),
                Map.of("Idempotency-Key", idempotencyKey));
        TABLE.add(String.format("  %-45s -> %s %s", "POST /jobs with A's Idempotency-Key", replay.status(),
                replay.status() == 404 ? "held" : "FAILED"));
        assertEquals(404, replay.status(), "A's idempotency key does not give B A's job: " + replay.body());

        // and A's data is untouched by B's tries
        assertEquals(200, api.get(alice, DATASETS + "/" + datasetId).status());
        assertEquals(200, api.get(alice, DATASETS + "/" + uploadId + "/parts").status());
        String status = api.get(alice, JOBS + "/" + jobId).json().path("status").asText();
        assertNotEquals("cancelled", status, "B's cancel did not cancel A's job");

        // A's model (named after the job) once the job succeeded: B cannot read it or predict with it
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        while (!api.get(alice, MODELS + "/alice-job").isOk() && Instant.now().isBefore(deadline)) {
            Api.sleep(2000);
        }
        assertEquals(200, api.get(alice, MODELS + "/alice-job").status(), "A's model is registered");
        Map<String, Api.Answer> models = new LinkedHashMap<>();
        models.put("GET /models/{A's model}", api.get(bob, MODELS + "/alice-job"));
        models.put("GET /models/{A's model}/versions/1", api.get(bob, MODELS + "/alice-job/versions/1"));
        models.put("GET /models/{A's model}/versions/latest", api.get(bob, MODELS + "/alice-job/versions/latest"));
        models.put("POST /models/{A's model}/predict", api.post(bob, MODELS + "/alice-job/predict",
                Map.of("inputs", List.of(Map.of("f0", 1, "f1", 2, "f2", 3)))));
        for (var t : models.entrySet()) {
            Api.Answer a = t.getValue();
            TABLE.add(String.format("  %-45s -> %s %s", t.getKey(), a.status(), a.status() == 404 && a.isProblem() ? "held" : "FAILED"));
        }
        models.forEach((what, a) -> {
            assertEquals(404, a.status(), what + ": " + a.body());
            assertTrue(a.isProblem(), what);
        });
        assertFalse(api.get(bob, MODELS).body().contains("alice-job"), "B's model list");
    }

    @Test
    void presignedUrlsAreBoundToOneObjectAndExpire() {
        Api.Answer single = api.post(alice, DATASETS, Map.of("name", "alice-single", "upload", "single"));
        assertEquals(201, single.status(), single.body());
        String url = single.json().path("uploadUrl").asText();
        String id = single.json().path("id").asText();
        URI uri = URI.create(url);
        String path = uri.getRawPath();

        // the object key comes from the dataset id only: no user name, no dataset name
        assertFalse(path.contains(alice) || path.contains("alice-single"), "user input in the key: " + path);
        assertTrue(path.contains(id), "the key is derived from the dataset id: " + path);
        long expires = Long.parseLong(query(url, "X-Amz-Expires"));
        TABLE.add(String.format("  %-45s -> %d s %s", "upload URL X-Amz-Expires", expires, expires <= MAX_UPLOAD_URL_SECONDS ? "held" : "FAILED"));
        assertTrue(expires > 0 && expires <= MAX_UPLOAD_URL_SECONDS, "upload URL lives " + expires + " s");

        byte[] csv = Csv.blobs(20, 2, 2, 5).getBytes(StandardCharsets.UTF_8);
        String otherKey = path.replace(id, UUID.randomUUID().toString());
        tamper("upload URL to another key", url.replace(path, otherKey), csv);
        tamper("upload URL to another bucket", url.replaceFirst("/datasets/", "/models/"), csv);
        tamper("upload URL with a longer expiry", url.replace("X-Amz-Expires=" + expires, "X-Amz-Expires=604800"), csv);
        tamper("upload URL signed at another time", url.replaceFirst("X-Amz-Date=\\d{8}", "X-Amz-Date=20200101"), csv);

        // part URLs of a multipart upload: bound to their part number and upload id
        Api.Answer multipart = api.post(alice, DATASETS, Map.of("name", "alice-parts", "size", 100L * 1024 * 1024, "upload", "multipart"));
        assertEquals(201, multipart.status(), multipart.body());
        String uploadId = multipart.json().path("id").asText();
        Api.Answer parts = api.post(alice, DATASETS + "/" + uploadId + "/parts", Map.of("partNumbers", List.of(1)));
        assertEquals(200, parts.status(), parts.body());
        String partUrl = parts.json().path("parts").path(0).path("url").asText();
        long partExpires = Long.parseLong(query(partUrl, "X-Amz-Expires"));
        TABLE.add(String.format("  %-45s -> %d s %s", "part URL X-Amz-Expires", partExpires,
                partExpires <= MAX_PART_URL_SECONDS ? "held" : "FAILED"));
        assertTrue(partExpires > 0 && partExpires <= MAX_PART_URL_SECONDS, "part URL lives " + partExpires + " s");
        tamper("part URL for another part number", partUrl.replace("partNumber=1", "partNumber=2"), csv);
        tamper("part URL for another upload id", partUrl.replaceFirst("uploadId=[^&]+", "uploadId=" + UUID.randomUUID()), csv);
        tamper("part URL to another key", partUrl.replace(uploadId + "/", UUID.randomUUID() + "/"), csv);
    }

    /** The store refuses the altered URL with 403, since the signature covers what was changed. */
    private static void tamper(String what, String url, byte[] body) {
        HttpResponse<String> put = api.putRaw(url, body);
        boolean held = put.statusCode() == 403;
        TABLE.add(String.format("  %-45s -> %d %s %s", what, put.statusCode(), code(put.body()), held ? "held" : "FAILED"));
        assertEquals(403, put.statusCode(), what + ": " + put.body());
        assertTrue(put.body().contains("SignatureDoesNotMatch") || put.body().contains("AccessDenied")
                || put.body().contains("RequestTimeTooSkewed") || put.body().contains("ExpiredToken"), what + ": " + put.body());
    }

    private static String code(String s3Error) {
        Matcher m = Pattern.compile("<Code>([^<]+)</Code>").matcher(s3Error);
        return m.find() ? m.group(1) : "";
    }

    private static String query(String url, String name) {
        Matcher m = Pattern.compile("[?&]" + Pattern.quote(name) + "=([^&]+)").matcher(url);
        assertTrue(m.find(), name + " in " + url);
        return m.group(1);
    }
}
