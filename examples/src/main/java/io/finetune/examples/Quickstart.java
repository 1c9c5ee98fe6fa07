package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The quickstart: upload a dataset, start a fine-tuning job, print its epochs as they complete and
 * the final metrics. Uses only the public API, as a customer's integration would.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Uploads a dataset, trains a model on it and prints every epoch.")
public class Quickstart implements Callable<Integer> {

    @Mixin
    ApiOptions options;

    @Option(names = "--dataset", defaultValue = "examples/data/machine-health.csv", description = "CSV with a label column")
    Path dataset;

    @Option(names = "--epochs", defaultValue = "5")
    int epochs;

    @Option(names = "--name", description = "Job name (default: quickstart-<time>)")
    String name;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Quickstart()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Api api = options.client();
        String jobName = name != null ? name : "quickstart-" + Instant.now().getEpochSecond();

        JsonNode ds = api.uploadDataset(jobName + "-data", dataset);
        System.out.printf("dataset %s: %s, %d rows, columns %s%n", ds.get("name").asText(), ds.get("status").asText(),
                ds.path("rows").asLong(), ds.path("columns"));
        if (!"validated".equals(ds.get("status").asText())) {
            ds.path("problems").forEach(p -> System.out.printf("  line %s: %s%n", p.path("line").asText("-"), p.path("message").asText()));
            return 1;
        }

        JsonNode job = api.submit(Map.of("name", jobName, "datasetId", ds.get("id").asText(), "epochs", epochs));
        String jobId = job.get("id").asText();
        System.out.printf("job %s (%s): %s%n", jobName, jobId, job.get("status").asText());

        int[] printed = {0};
        String[] status = {job.get("status").asText()};
        JsonNode last = api.await(jobId, view -> false, Duration.ofMinutes(15), view -> {
            for (JsonNode e : view.path("epochHistory")) {
                if (e.get("epoch").asInt() > printed[0]) {
                    printed[0] = e.get("epoch").asInt();
                    System.out.println("  " + Api.epochLine(e, view.get("epochs").asInt()));
                }
            }
            if (!view.get("status").asText().equals(status[0])) {
                status[0] = view.get("status").asText();
                System.out.printf("job %s: %s%s%n", jobName, status[0],
                        view.path("reason").isTextual() ? " (" + view.get("reason").asText() + ")" : "");
            }
        });
        System.out.printf(Locale.ROOT, "final: status %s, validation accuracy %.3f, validation loss %.4f, model %s%n", status[0],
                last.path("validationAccuracy").asDouble(), last.path("validationLoss").asDouble(), last.path("modelUri").asText("-"));
        return "succeeded".equals(status[0]) ? 0 : 1;
    }
}
