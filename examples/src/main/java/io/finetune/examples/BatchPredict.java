package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Predictions for a whole CSV file with one model version, as a prediction job on the platform: the
 * file is uploaded as a prediction dataset, {@code POST /api/v1/models/{name}/predictions} queues the
 * job, which runs on a CPU trainer, and the predictions file is downloaded through the presigned URL
 * of {@code GET /api/v1/jobs/{id}/predictions}. A {@code label} column in the file is kept (not read by
 * the model), so the agreement with it can be counted from the result.
 */
@Command(name = "batch-predict", mixinStandardHelpOptions = true,
        description = "Predicts every row of a CSV with a model version (a prediction job) and downloads the predictions.")
public class BatchPredict implements Callable<Integer> {

    @Mixin
    ApiOptions options;

    @Option(names = "--model", required = true, description = "The model's name (a job's name, or its `model`)")
    String model;

    @Option(names = "--version", defaultValue = "latest", description = "A version number or latest (default: ${DEFAULT-VALUE})")
    String version;

    @Option(names = "--input", defaultValue = "examples/data/machine-health.csv", description = "CSV with a header naming the model's inputs; a label column is compared, not read")
    Path input;

    @Option(names = "--output", defaultValue = "predictions.csv")
    Path output;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BatchPredict()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Api api = options.client();
        String name = model + "-inputs-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode upload = api.call("POST", "/api/v1/datasets", Map.of("name", name, "purpose", "prediction"), 201);
        api.put(upload.get("uploadUrl").asText(), HttpRequest.BodyPublishers.ofFile(input));
        JsonNode dataset = api.complete(upload.get("id").asText(), null);
        if (!"validated".equals(dataset.get("status").asText())) {
            System.out.printf("dataset %s rejected: %s%n", name, dataset.get("problems"));
            return 1;
        }
        System.out.printf("dataset %s: %d rows to predict%n", name, dataset.get("rows").asLong());

        Map<String, Object> body = new HashMap<>(Map.of("datasetId", dataset.get("id").asText()));
        if (!"latest".equals(version)) {
            body.put("version", Integer.parseInt(version));
        }
        Api.Answer submitted = submit(api, body);
        if (submitted.status() != 201) {
            System.out.printf("POST /api/v1/models/%s/predictions: %d %s%n", model, submitted.status(), submitted.text());
            return 1;
        }
        String jobId = submitted.body().get("id").asText();
        System.out.printf("job %s: predicts with model %s version %d%n", submitted.body().get("name").asText(), model,
                submitted.body().get("modelVersion").asInt());
        JsonNode job = api.await(jobId, view -> "succeeded".equals(view.get("status").asText()), Duration.ofMinutes(10),
                Api.statusPrinter(submitted.body().get("name").asText()));
        if (!"succeeded".equals(job.get("status").asText())) {
            System.out.printf("the job ended %s: %s%n", job.get("status").asText(), job.path("reason").asText());
            return 1;
        }

        JsonNode download = api.call("GET", "/api/v1/jobs/" + jobId + "/predictions", null, 200);
        HttpResponse<Path> file = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(download.get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofFile(output));
        if (file.statusCode() != 200) {
            System.out.printf("download of the predictions failed: %d%n", file.statusCode());
            return 1;
        }
        List<String> lines = Files.readAllLines(output);
        System.out.printf("%d rows predicted, written to %s%n", lines.size() - 1, output);
        List<String> header = List.of(lines.get(0).split(",", -1));
        int label = header.indexOf("label");
        int predicted = header.indexOf("predicted_label");
        if (label >= 0 && predicted >= 0) {
            long agree = lines.stream().skip(1).map(l -> l.split(",", -1))
                    .filter(cells -> cells[label].equals(cells[predicted])).count();
            System.out.printf(Locale.ROOT, "agreement with the file's label column: %.3f%n", agree / (double) (lines.size() - 1));
        }
        return 0;
    }

    /** Submits the job; waits while the model's first version is still being registered (404). */
    private Api.Answer submit(Api api, Map<String, Object> body) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Api.Answer answer = api.send("POST", "/api/v1/models/" + model + "/predictions", body);
            if (answer.status() != 404 || attempt == 60) {
                return answer;
            }
            Thread.sleep(1000);
        }
    }
}
