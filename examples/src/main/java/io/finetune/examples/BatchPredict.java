package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Predictions for a whole CSV file with one model version, written to a CSV file: the inputs go to
 * {@code POST /api/v1/models/{name}/predict} 64 at a time (serving-service's limit), every call pinned
 * to the version that answered the first one, as the web UI's file prediction does. There is no
 * server-side batch job yet: the client sends the batches.
 */
@Command(name = "batch-predict", mixinStandardHelpOptions = true,
        description = "Predicts every row of a CSV with a model version and writes the predictions to a CSV file.")
public class BatchPredict implements Callable<Integer> {

    /** Inputs per request: serving-service answers 1 to 64. */
    private static final int BATCH = 64;

    @Mixin
    ApiOptions options;

    @Option(names = "--model", required = true, description = "The model's name (a job's name, or its `model`)")
    String model;

    @Option(names = "--version", defaultValue = "latest", description = "A version number or latest (default: ${DEFAULT-VALUE})")
    String version;

    @Option(names = "--input", defaultValue = "examples/data/machine-health.csv", description = "CSV with a header; a label column is compared, not sent")
    Path input;

    @Option(names = "--output", defaultValue = "predictions.csv")
    Path output;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BatchPredict()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Api api = options.client();
        List<String> lines = Files.readAllLines(input);
        String[] header = lines.get(0).split(",", -1);
        int label = List.of(header).indexOf("label");
        int agree = 0;
        int rows = lines.size() - 1;
        try (BufferedWriter out = Files.newBufferedWriter(output)) {
            out.write(lines.get(0) + ",predicted,probability\n");
            for (int from = 1; from <= rows; from += BATCH) {
                List<String> chunk = lines.subList(from, Math.min(from + BATCH, rows + 1));
                List<Map<String, Object>> inputs = new ArrayList<>();
                for (String line : chunk) {
                    String[] values = line.split(",", -1);
                    Map<String, Object> in = new LinkedHashMap<>();
                    for (int c = 0; c < header.length; c++) {
                        if (c != label) {
                            in.put(header[c], number(values[c]));
                        }
                    }
                    inputs.add(in);
                }
                Api.Answer answer = predict(api, inputs);
                if (answer == null) {
                    System.out.println("predictions: not available yet in this platform (the gateway has no /api/v1/models/{name}/predict)");
                    return 0;
                }
                if (answer.status() != 200) {
                    System.out.printf("rows %d-%d: %d %s%n", from, from + chunk.size() - 1, answer.status(), answer.text());
                    return 1;
                }
                if (from == 1) {
                    version = answer.body().get("version").asText(); // the rest of the file goes to the same version
                    System.out.printf("model %s version %s answers; %d rows in calls of %d%n", model, version, rows, BATCH);
                }
                JsonNode predictions = answer.body().get("predictions");
                for (int i = 0; i < chunk.size(); i++) {
                    JsonNode p = predictions.get(i);
                    String predicted = p.get("label").asText();
                    out.write(String.format(Locale.ROOT, "%s,%s,%.4f%n", chunk.get(i), predicted, p.path("probabilities").path(predicted).asDouble()));
                    if (label >= 0 && predicted.equals(chunk.get(i).split(",", -1)[label])) {
                        agree++;
                    }
                }
            }
        }
        System.out.printf("%d rows predicted, written to %s%n", rows, output);
        if (label >= 0) {
            System.out.printf(Locale.ROOT, "agreement with the file's label column: %.3f%n", agree / (double) rows);
        }
        return 0;
    }

    /**
     * One call; waits while the version is still being registered (404 problem) or loaded (503). Answers
     * null when the gateway has no such route at all.
     */
    private Api.Answer predict(Api api, List<Map<String, Object>> inputs) throws Exception {
        String path = "/api/v1/models/" + model + "/predict?version=" + version;
        for (int attempt = 1; ; attempt++) {
            Api.Answer answer = api.send("POST", path, Map.of("inputs", inputs));
            if (answer.status() == 404 && answer.body() == null) {
                return null;
            }
            boolean notYet = answer.status() == 503 || answer.status() == 404;
            if (!notYet || attempt == 60) {
                return answer;
            }
            Thread.sleep(1000);
        }
    }

    private static Object number(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException text) {
            return value;
        }
    }
}
