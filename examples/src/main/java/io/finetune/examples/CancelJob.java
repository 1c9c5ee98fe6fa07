package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Cancels a running job: the scheduler answers 202 and sends a cancel command to the trainer, which
 * stops at its next step; the job then becomes {@code cancelled}. Cancelling it again is a 409.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Starts a long job, cancels it once it is training and prints what happened.")
public class CancelJob implements Callable<Integer> {

    @Mixin
    ApiOptions options;

    @Option(names = "--dataset", defaultValue = "examples/data/machine-health.csv")
    Path dataset;

    @Option(names = "--epochs", defaultValue = "500", description = "Many, so that the job is still training when cancelled")
    int epochs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CancelJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Api api = options.client();
        String name = "cancel-" + Instant.now().getEpochSecond();
        JsonNode ds = api.uploadDataset(name + "-data", dataset);
        JsonNode job = api.submit(Map.of("name", name, "datasetId", ds.get("id").asText(), "epochs", epochs));
        String id = job.get("id").asText();
        System.out.printf("job %s (%s): %s, %d epochs%n", name, id, job.get("status").asText(), epochs);

        JsonNode training = api.await(id, view -> view.path("epoch").asInt() >= 1, Duration.ofMinutes(10), Api.statusPrinter(name));
        if (Api.TERMINAL.contains(training.get("status").asText())) {
            System.out.println("the job ended before it could be cancelled");
            return 1;
        }
        System.out.printf("job %s: training, epoch %d/%d done%n", name, training.get("epoch").asInt(), epochs);

        Api.Answer cancel = api.send("POST", "/api/v1/jobs/" + id + "/cancel", null);
        System.out.printf("POST /api/v1/jobs/%s/cancel: %d (%s)%n", id, cancel.status(),
                cancel.status() == 202 ? "the trainer was told to stop" : cancel.status() == 200 ? "it left the queue" : cancel.text());

        JsonNode end = api.await(id, view -> false, Duration.ofMinutes(5), Api.statusPrinter(name));
        System.out.printf("final: status %s after %d of %d epochs%n", end.get("status").asText(), end.path("epoch").asInt(), epochs);

        Api.Answer again = api.send("POST", "/api/v1/jobs/" + id + "/cancel", null);
        System.out.printf("cancelling it again: %d %s%n", again.status(), again.body() == null ? "" : again.body().path("detail").asText());
        return "cancelled".equals(end.get("status").asText()) && again.status() == 409 ? 0 : 1;
    }
}
