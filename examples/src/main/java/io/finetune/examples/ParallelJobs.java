package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Two jobs on one dataset, submitted back to back: with two trainers of the production lane they
 * train at the same time. Prints each job's start and end and whether their runs overlapped.
 */
@Command(name = "parallel-jobs", mixinStandardHelpOptions = true,
        description = "Submits two jobs at once and shows that two trainers run them in parallel.")
public class ParallelJobs implements Callable<Integer> {

    @Mixin
    ApiOptions options;

    @Option(names = "--dataset", defaultValue = "examples/data/machine-health.csv")
    Path dataset;

    @Option(names = "--epochs", defaultValue = "30", description = "Enough for the two runs to overlap (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--name", description = "Prefix of the job names (default: parallel-<time>)")
    String name;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ParallelJobs()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Api api = options.client();
        String prefix = name != null ? name : "parallel-" + Instant.now().getEpochSecond();
        JsonNode ds = api.uploadDataset(prefix + "-data", dataset);
        System.out.printf("dataset %s: %s, %d rows%n", ds.get("name").asText(), ds.get("status").asText(), ds.path("rows").asLong());

        List<JsonNode> jobs = new ArrayList<>();
        for (String suffix : List.of("a", "b")) {
            JsonNode job = api.submit(Map.of("name", prefix + "-" + suffix, "datasetId", ds.get("id").asText(), "epochs", epochs));
            jobs.add(job);
            System.out.printf("job %s (%s): %s%n", job.get("name").asText(), job.get("id").asText(), job.get("status").asText());
        }
        List<JsonNode> done = new ArrayList<>();
        for (JsonNode job : jobs) {
            done.add(api.await(job.get("id").asText(), view -> false, Duration.ofMinutes(15), Api.statusPrinter(job.get("name").asText())));
        }
        for (JsonNode job : done) {
            System.out.printf("job %s: %s, started %s, finished %s, validation accuracy %.3f%n", job.get("name").asText(),
                    job.get("status").asText(), job.path("startedAt").asText(), job.path("finishedAt").asText(),
                    job.path("validationAccuracy").asDouble());
        }
        if (done.stream().anyMatch(job -> !"succeeded".equals(job.get("status").asText()))) {
            return 1;
        }
        Instant startA = Instant.parse(done.get(0).get("startedAt").asText());
        Instant endA = Instant.parse(done.get(0).get("finishedAt").asText());
        Instant startB = Instant.parse(done.get(1).get("startedAt").asText());
        Instant endB = Instant.parse(done.get(1).get("finishedAt").asText());
        boolean overlapped = startA.isBefore(endB) && startB.isBefore(endA);
        System.out.println(overlapped
                ? "overlapped: yes, the two jobs trained at the same time on two trainers"
                : "overlapped: no, one waited for the other (is only one production trainer running?)");
        return 0;
    }
}
