package io.finetune.dataset.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The dataset-service REST API as a client drives it, and presigned PUTs to the store. */
public final class Api {

    public static final String OWNER = "X-Owner";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Api() {
    }

    public static String newOwner() {
        return "user-" + UUID.randomUUID();
    }

    public static String newName() {
        return "data " + UUID.randomUUID().toString().substring(0, 8);
    }

    public static ValidatableResponse create(String owner, Map<String, Object> body) {
        return given().header(OWNER, owner).contentType(ContentType.JSON).body(body).when().post("/datasets").then();
    }

    public static ValidatableResponse create(String owner, String name, Long size, String upload) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        if (size != null) {
            body.put("size", size);
        }
        if (upload != null) {
            body.put("upload", upload);
        }
        return create(owner, body);
    }

    public static ValidatableResponse complete(String owner, String id) {
        return given().header(OWNER, owner).when().post("/datasets/{id}/complete", id).then();
    }

    public static ValidatableResponse get(String owner, String id) {
        return given().header(OWNER, owner).when().get("/datasets/{id}", id).then();
    }

    /** Presigned URLs for the parts, by part number. */
    public static Map<Integer, String> partUrls(String owner, String id, List<Integer> partNumbers) {
        JsonPath answer = given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("partNumbers", partNumbers))
                .when().post("/datasets/{id}/parts", id).then().statusCode(200).extract().jsonPath();
        Map<Integer, String> urls = new HashMap<>();
        for (Map<String, Object> part : answer.<Map<String, Object>>getList("parts")) {
            urls.put((Integer) part.get("partNumber"), (String) part.get("url"));
        }
        return urls;
    }

    /** PUTs the bytes to a presigned URL; answers the ETag the store gave them. */
    public static String put(String url, byte[] bytes) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "PUT to the presigned URL: " + response.body());
        return response.headers().firstValue("ETag").orElseThrow();
    }

    public static void put(String url, String text) throws IOException, InterruptedException {
        put(url, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Uploads {@code bytes} with one presigned PUT and completes; answers the completion. */
    public static ValidatableResponse uploadSingle(String owner, String name, byte[] bytes) throws Exception {
        JsonPath created = create(owner, name, null, null).statusCode(201).extract().jsonPath();
        put(created.getString("uploadUrl"), bytes);
        return complete(owner, created.getString("id"));
    }

    /** Waits until the dataset is past importing and validating; answers its final view. */
    public static JsonPath awaitOutcome(String owner, String id) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = get(owner, id).statusCode(200).extract().jsonPath();
            String status = last[0].getString("status");
            return !"validating".equals(status) && !"importing".equals(status);
        });
        return last[0];
    }
}
