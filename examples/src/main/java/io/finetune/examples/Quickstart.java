package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quickstart: upload a dataset, start a fine-tuning job, print its epochs as they complete and
 * the final metrics. Uses only the public API, as a customer's integration would.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Uploads a dataset, trains a model on it and prints every epoch.")
public class Quickstart implements Callable<Integer> {

    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled", "timed_out");

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", description = "Gateway base URL (default: ${DEFAULT-VALUE})")
    URI api;

    @Option(names = "--user", defaultValue = "demo", description = "User id sent in the X-User header of the local auth proxy mode")
    String user;

    @Option(names = "--dataset", defaultValue = "examples/data/machine-health.csv", description = "CSV with a label column")
    Path dataset;

    @Option(names = "--epochs", defaultValue = "5")
    int epochs;

    @Option(names = "--name", description = "Job name (default: quickstart-<time>)")
    String name;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Quickstart()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String jobName = name != null ? name : "quickstart-" + Instant.now().getEpochSecond();

        JsonNode upload = call("POST", "/api/v1/datasets", Map.of("name", jobName + "-data"), 201);
        System.out.printf("dataset %s: upload session opened%n", upload.get("id").asText());
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(upload.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofFile(dataset)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new IllegalStateException("upload to the store failed: " + put.statusCode() + " " + put.body());
        }
        String datasetPath = "/api/v1/datasets/" + upload.get("id").asText();
        JsonNode ds = call("POST", datasetPath + "/complete", null, 200, 202);
        // a large file is validated behind a 202: ask again until it has an outcome
        while ("validating".equals(ds.get("status").asText())) {
            Thread.sleep(500);
            ds = call("GET", datasetPath, null, 200);
        }
        System.out.printf("dataset %s: %s, %d rows, columns %s%n", ds.get("name").asText(), ds.get("status").asText(),
                ds.path("rows").asLong(), ds.path("columns"));
        if (!"validated".equals(ds.get("status").asText())) {
            ds.path("problems").forEach(p -> System.out.printf("  line %s: %s%n", p.path("line").asText("-"), p.path("message").asText()));
            return 1;
        }

        JsonNode job = call("POST", "/api/v1/jobs", Map.of("name", jobName, "datasetId", ds.get("id").asText(), "epochs", epochs), 201);
        String jobId = job.get("id").asText();
        System.out.printf("job %s (%s): %s%n", jobName, jobId, job.get("status").asText());

        int printed = 0;
        String status = job.get("status").asText();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (Instant.now().isBefore(deadline)) {
            JsonNode detail = view(jobId);
            if (detail == null) { // the job list is a view built from events: it shows a new job within about a second
                Thread.sleep(200);
                continue;
            }
            for (JsonNode e : detail.path("epochHistory")) {
                if (e.get("epoch").asInt() > printed) {
                    printed = e.get("epoch").asInt();
                    System.out.printf(Locale.ROOT, "  epoch %d/%d  train loss %.4f acc %.3f  validation loss %.4f acc %.3f  %.0f samples/s%n",
                            printed, detail.get("epochs").asInt(), e.path("trainLoss").asDouble(), e.path("trainAccuracy").asDouble(),
                            e.path("validationLoss").asDouble(), e.path("validationAccuracy").asDouble(), e.path("samplesPerSecond").asDouble());
                }
            }
            if (!detail.get("status").asText().equals(status)) {
                status = detail.get("status").asText();
                System.out.printf("job %s: %s%s%n", jobName, status, detail.path("reason").isTextual() ? " (" + detail.get("reason").asText() + ")" : "");
            }
            if (TERMINAL.contains(status)) {
                System.out.printf(Locale.ROOT, "final: status %s, validation accuracy %.3f, validation loss %.4f, model %s%n", status,
                        detail.path("validationAccuracy").asDouble(), detail.path("validationLoss").asDouble(), detail.path("modelUri").asText("-"));
                return "succeeded".equals(status) ? 0 : 1;
            }
            Thread.sleep(500);
        }
        System.out.println("gave up waiting after 15 minutes");
        return 1;
    }

    /** The job's view, or null while the view has not caught up with its creation yet. */
    private JsonNode view(String jobId) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/jobs/" + jobId))
                .header("X-User", user).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /api/v1/jobs/" + jobId + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private JsonNode call(String method, String path, Object body, int... expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).header("X-User", user);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (Arrays.stream(expected).noneMatch(status -> status == response.statusCode())) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
