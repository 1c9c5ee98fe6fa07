package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One run of a daily retrain: today's data is uploaded and a job of today's name trains a new
 * version of the same model ({@code model}), then the model's versions are printed. A scheduler
 * outside the platform (cron) runs it once a day; {@code --runs 2} shows two days in a row.
 */
@Command(name = "daily-retrain", mixinStandardHelpOptions = true,
        description = "Trains a new version of a model on today's data and prints the model's versions.")
public class DailyRetrain implements Callable<Integer> {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss");

    @Mixin
    ApiOptions options;

    @Option(names = "--model", defaultValue = "machine-health", description = "The model's name (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--dataset", defaultValue = "examples/data/machine-health.csv", description = "Today's data")
    Path dataset;

    @Option(names = "--epochs", defaultValue = "5")
    int epochs;

    @Option(names = "--runs", defaultValue = "1", description = "Retrains in a row (cron runs one a day)")
    int runs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DailyRetrain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Api api = options.client();
        for (int run = 1; run <= runs; run++) {
            String jobName = model + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(DAY) + (runs > 1 ? "-" + run : "");
            JsonNode ds = api.uploadDataset(jobName + "-data", dataset);
            System.out.printf("dataset %s: %s, %d rows%n", ds.get("name").asText(), ds.get("status").asText(), ds.path("rows").asLong());
            JsonNode job = api.submit(Map.of("name", jobName, "model", model, "datasetId", ds.get("id").asText(), "epochs", epochs));
            String id = job.get("id").asText();
            System.out.printf("job %s (%s) for model %s: %s%n", jobName, id, model, job.get("status").asText());
            JsonNode end = api.await(id, view -> false, Duration.ofMinutes(15), Api.statusPrinter(jobName));
            System.out.printf("job %s: %s, validation accuracy %.3f%n", jobName, end.get("status").asText(),
                    end.path("validationAccuracy").asDouble());
            if (!"succeeded".equals(end.get("status").asText())) {
                return 1;
            }
        }
        return printVersions(api);
    }

    private int printVersions(Api api) throws Exception {
        // the models view is built from models.events: the newest version shows within moments
        for (int i = 0; i < 50; i++) {
            Api.Answer answer = api.send("GET", "/api/v1/models/" + model, null);
            if (answer.status() == 200 && answer.body().path("versions").size() >= runs) {
                JsonNode m = answer.body();
                System.out.printf("model %s: latest version %d%n", model, m.path("latestVersion").asInt());
                m.path("versions").forEach(v -> System.out.printf("  version %d  job %s  validation accuracy %.3f  registered %s%n",
                        v.path("version").asInt(), v.path("jobName").asText(), v.path("validationAccuracy").asDouble(),
                        v.path("registeredAt").asText()));
                return 0;
            }
            Thread.sleep(200);
        }
        System.out.printf("model %s: its new version did not show in GET /api/v1/models/%s%n", model, model);
        return 1;
    }
}
