package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A small client of the public API (/api/v1), as a customer's integration would write one: JSON over
 * HTTP with the caller in the X-User header (local runs) and dataset bytes sent straight to the store.
 */
public final class Api {

    public static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled", "timed_out");

    private final URI base;
    private final String user;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    public Api(URI base, String user) {
        this.base = base;
        this.user = user;
    }

    public ObjectMapper json() {
        return json;
    }

    /** An answer: its status and body (a JSON tree; null when the body is empty or not JSON). */
    public record Answer(int status, JsonNode body, String text) {
    }

    /** Sends a request and answers whatever came back, so that callers can show an error answer. */
    public Answer send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("X-User", user);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode tree = null;
        try {
            tree = response.body().isBlank() ? null : json.readTree(response.body());
        } catch (IOException notJson) {
            // an HTML error page or plain text: the caller still has the text
        }
        return new Answer(response.statusCode(), tree, response.body());
    }

    /** Sends a request and fails unless the status is one of {@code expected}. */
    public JsonNode call(String method, String path, Object body, int... expected) throws IOException, InterruptedException {
        Answer answer = send(method, path, body);
        if (Arrays.stream(expected).noneMatch(status -> status == answer.status())) {
            throw new IllegalStateException(method + " " + path + " answered " + answer.status() + ": " + answer.text());
        }
        return answer.body();
    }

    /** PUTs bytes to a presigned URL of the store (no platform credentials involved); answers the ETag. */
    public String put(String url, HttpRequest.BodyPublisher bytes) throws IOException, InterruptedException {
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url)).PUT(bytes).build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new IllegalStateException("upload to the store failed: " + put.statusCode() + " " + put.body());
        }
        return put.headers().firstValue("ETag").orElse(null);
    }

    /**
     * Opens an upload session, PUTs the file to its presigned URL, completes it and waits for the
     * validation's outcome: answers the dataset, {@code validated} or {@code rejected}.
     */
    public JsonNode uploadDataset(String name, Path file) throws IOException, InterruptedException {
        JsonNode upload = call("POST", "/api/v1/datasets", Map.of("name", name), 201);
        System.out.printf("dataset %s: upload session opened%n", upload.get("id").asText());
        put(upload.get("uploadUrl").asText(), HttpRequest.BodyPublishers.ofFile(file));
        return complete(upload.get("id").asText(), null);
    }

    /** Completes an upload and waits while a large file is validated behind a 202. */
    public JsonNode complete(String datasetId, Object body) throws IOException, InterruptedException {
        String path = "/api/v1/datasets/" + datasetId;
        JsonNode ds = call("POST", path + "/complete", body, 200, 202);
        while ("validating".equals(ds.get("status").asText())) {
            Thread.sleep(500);
            ds = call("GET", path, null, 200);
        }
        return ds;
    }

    /** Submits a job; answers the job as the scheduler stored it. */
    public JsonNode submit(Map<String, Object> job) throws IOException, InterruptedException {
        return call("POST", "/api/v1/jobs", job, 201);
    }

    /** The job's view, or null while the view (built from events) has not caught up with its creation. */
    public JsonNode job(String jobId) throws IOException, InterruptedException {
        Answer answer = send("GET", "/api/v1/jobs/" + jobId, null);
        if (answer.status() == 404) {
            return null;
        }
        if (answer.status() != 200) {
            throw new IllegalStateException("GET /api/v1/jobs/" + jobId + " answered " + answer.status() + ": " + answer.text());
        }
        return answer.body();
    }

    /** What to do with each fresh view of a job while waiting for it. */
    public interface Watcher {
        void seen(JsonNode view) throws IOException, InterruptedException;
    }

    /**
     * Polls the job's view until {@code done} holds (or the job ends), calling {@code watcher} with
     * every view; answers the last view, or throws after {@code timeout}.
     */
    public JsonNode await(String jobId, Predicate<JsonNode> done, Duration timeout, Watcher watcher)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            JsonNode view = job(jobId);
            if (view != null) {
                watcher.seen(view);
                if (done.test(view) || TERMINAL.contains(view.get("status").asText())) {
                    return view;
                }
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("job " + jobId + " did not get there within " + timeout);
    }

    /** Prints a job's status changes as they happen (one watcher per job). */
    public static Watcher statusPrinter(String label) {
        String[] last = {null};
        return view -> {
            String status = view.get("status").asText();
            if (!status.equals(last[0])) {
                last[0] = status;
                System.out.printf("job %s: %s%s%n", label, status,
                        view.path("reason").isTextual() ? " (" + view.get("reason").asText() + ")" : "");
            }
        };
    }

    /** One epoch's figures, as every example prints them. */
    public static String epochLine(JsonNode epoch, int epochs) {
        return String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.3f  validation loss %.4f acc %.3f  %.0f samples/s",
                epoch.get("epoch").asInt(), epochs, epoch.path("trainLoss").asDouble(), epoch.path("trainAccuracy").asDouble(),
                epoch.path("validationLoss").asDouble(), epoch.path("validationAccuracy").asDouble(),
                epoch.path("samplesPerSecond").asDouble());
    }
}
