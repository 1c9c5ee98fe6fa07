package io.finetune.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Raw HTTP to the gateway: bodies and paths are sent byte for byte as the test writes them (no client
 * library encodes or fixes them), which is what hostile input needs.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROBLEM_JSON = "application/problem+json";
    /** What must never reach a client: a stack frame, an exception class, a framework package, a secret. */
    static final Pattern LEAK = Pattern.compile(
            "\\bat (io|java|jdk|org|com|sun)\\.[\\w.$]+\\(|\\.java:\\d+\\)|\\b[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*(Exception|Error)\\b"
                    + "|com\\.fasterxml|org\\.jboss|io\\.vertx|io\\.quarkus|io\\.finetune|platform-secret-key|password");

    /** The status recorded for a request that got no answer in time. */
    static final int TIMED_OUT = -1;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Api(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    /** One answer: status, content type and body as text. */
    record Answer(int status, String contentType, String body, Map<String, java.util.List<String>> headers) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        boolean isOk() {
            return status == 200;
        }

        boolean isProblem() {
            return contentType != null && contentType.startsWith(PROBLEM_JSON);
        }

        /** The first leak found in the body, or null. */
        String leak() {
            var m = LEAK.matcher(body);
            return m.find() ? m.group() : null;
        }
    }

    Answer send(String user, String method, String rawPath, String contentType, byte[] body, Map<String, String> headers) {
        return send(user, method, rawPath, contentType, body, headers, Duration.ofSeconds(20));
    }

    Answer send(String user, String method, String rawPath, String contentType, byte[] body, Map<String, String> headers,
            Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + rawPath)).timeout(timeout);
        if (user != null) {
            request.header("X-User", user);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        // Per-user rate limit: a 429 is the designed answer to too many requests, not to the input; wait and resend.
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                return new Answer(TIMED_OUT, null, "", Map.of());
            } catch (IOException e) {
                throw new AssertionError(method + " " + rawPath + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (response.statusCode() == 429 && attempt < 5) {
                sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
                continue;
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    response.body(), response.headers().map());
        }
    }

    Answer get(String user, String path) {
        return send(user, "GET", path, null, null, Map.of());
    }

    Answer post(String user, String path, Object body) {
        try {
            return send(user, "POST", path, "application/json", body == null ? null : JSON.writeValueAsBytes(body), Map.of());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Opens an upload, PUTs the bytes to the presigned URL and completes it; the dataset as completed. */
    JsonNode upload(String user, String name, byte[] content) {
        Answer created = post(user, "/api/v1/datasets", Map.of("name", name, "upload", "single"));
        assertEquals(201, created.status(), created.body());
        JsonNode session = created.json();
        assertEquals(200, putRaw(session.path("uploadUrl").asText(), content).statusCode(), "presigned PUT");
        Answer completed = post(user, "/api/v1/datasets/" + session.path("id").asText() + "/complete", null);
        assertEquals(200, completed.status(), completed.body());
        return completed.json();
    }

    HttpResponse<String> putRaw(String url, byte[] content) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
