package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A dataset with mistakes: the platform rejects it with line-numbered problems, and a job on it is
 * refused with a 422 problem+json that names them. Exits 0 when the platform did exactly that.
 */
@Command(name = "bad-dataset", mixinStandardHelpOptions = true,
        description = "Uploads a CSV with errors and prints the validation problems and the refused job.")
public class BadDataset implements Callable<Integer> {

    @Mixin
    ApiOptions options;

    @Option(names = "--dataset", defaultValue = "examples/data/machine-health-broken.csv",
            description = "A CSV with mistakes (default: ${DEFAULT-VALUE})")
    Path dataset;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BadDataset()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Api api = options.client();
        String name = "broken-" + Instant.now().getEpochSecond();
        System.out.printf("uploading %s (%d lines)%n", dataset, Files.readAllLines(dataset).size());
        JsonNode ds = api.uploadDataset(name, dataset);
        System.out.printf("dataset %s: %s%n", ds.get("name").asText(), ds.get("status").asText());
        ds.path("problems").forEach(p -> System.out.printf("  line %s, column %s: %s%n",
                p.path("line").asText("-"), p.path("column").asText("-"), p.path("message").asText()));
        if (!"rejected".equals(ds.get("status").asText())) {
            System.out.println("expected the dataset to be rejected");
            return 1;
        }

        Api.Answer refused = api.send("POST", "/api/v1/jobs", Map.of("name", name, "datasetId", ds.get("id").asText(), "epochs", 3));
        System.out.printf("POST /api/v1/jobs on it: %d %s%n", refused.status(), refused.body() == null ? refused.text()
                : refused.body().path("title").asText());
        if (refused.body() != null) {
            refused.body().path("errors").forEach(e -> System.out.printf("  %s: %s%n", e.path("field").asText(), e.path("message").asText()));
        }
        return refused.status() == 422 ? 0 : 1;
    }
}
