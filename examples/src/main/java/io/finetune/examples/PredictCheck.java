package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.RecipeModelLoader;
import io.finetune.recipes.TrainedModel;
import io.finetune.recipes.tabular.TabularClassificationRecipe;
import io.finetune.recipes.text.SentenceEncoder;
import io.finetune.recipes.text.TextClassificationRecipe;
import io.minio.DownloadObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.BufferedReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The correctness check of online predictions: sends known inputs (rows of the quickstart's dataset)
 * to a served model through the public API, computes the same predictions offline from the very
 * artifact of the version that answered (downloaded from the store and loaded with the recipes
 * module, as serving does), and prints pass when every label and probability agrees.
 */
@Command(name = "predict-check", mixinStandardHelpOptions = true,
        description = "Checks that a served model's predictions equal those computed offline from its artifact.")
public class PredictCheck implements Callable<Integer> {

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", description = "Gateway base URL (default: ${DEFAULT-VALUE})")
    URI api;

    @Option(names = "--user", defaultValue = "demo", description = "User id sent in the X-User header of the local auth proxy mode")
    String user;

    @Option(names = "--model", required = true, description = "The model's name (the quickstart's job name unless it set one)")
    String model;

    @Option(names = "--version", defaultValue = "latest", description = "A version number or latest (default: ${DEFAULT-VALUE})")
    String version;

    @Option(names = "--inputs", defaultValue = "examples/data/machine-health.csv",
            description = "CSV whose rows are the known inputs; columns the model does not read (label) are left out")
    Path inputs;

    @Option(names = "--rows", defaultValue = "32", description = "How many rows to send (1 to 64; default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--tolerance", defaultValue = "1e-6", description = "Largest accepted probability difference (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--s3", defaultValue = "http://127.0.0.1:19000", description = "The store holding the artifacts (default: ${DEFAULT-VALUE})")
    String s3;

    @Option(names = "--s3-access-key", defaultValue = "platform-access")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", defaultValue = "platform-secret-key")
    String s3SecretKey;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(new CommandLine(new PredictCheck()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String modelPath = "/api/v1/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8);
        JsonNode card = get(modelPath + "/versions/" + version);
        int number = card.get("version").asInt();
        String artifact = card.at("/card/artifactUri").asText();
        System.out.printf("model %s version %d: %s, artifact %s%n", model, number, card.at("/card/recipe").asText(), artifact);

        List<Map<String, Object>> known = readInputs(card.at("/card/schema/inputs"));
        // The version is pinned, so the answer comes from the artifact compared below even if a newer one lands meanwhile
        JsonNode served = predict(modelPath + "/predict?version=" + number, known);
        System.out.printf("served:  %d predictions by version %d%n", served.get("predictions").size(), served.get("version").asInt());

        List<Prediction> offline = predictOffline(artifact, known);
        System.out.printf("offline: %d predictions from the artifact loaded in this process%n", offline.size());

        int failures = 0;
        double largest = 0;
        for (int i = 0; i < known.size(); i++) {
            JsonNode online = served.get("predictions").get(i);
            Prediction expected = offline.get(i);
            double difference = 0;
            boolean same = online != null && expected.label().equals(online.get("label").asText())
                    && online.get("probabilities").size() == expected.probabilities().size();
            for (var p : expected.probabilities().entrySet()) {
                JsonNode value = online == null ? null : online.get("probabilities").get(p.getKey());
                difference = Math.max(difference, value == null ? Double.POSITIVE_INFINITY : Math.abs(value.asDouble() - p.getValue()));
            }
            largest = Math.max(largest, difference);
            if (!same || difference > tolerance) {
                failures++;
                System.out.printf("  input %d %s: served %s, offline %s%n", i, known.get(i), online, expected);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d of %d predictions equal the offline ones (labels identical, largest probability difference %.2e, tolerance %.0e)%n",
                failures == 0 ? "PASS" : "FAIL", known.size() - failures, known.size(), largest, tolerance);
        return failures == 0 ? 0 : 1;
    }

    /** The first rows of the CSV, each reduced to the fields the model reads, typed as its schema says. */
    private List<Map<String, Object>> readInputs(JsonNode fields) throws Exception {
        List<Map<String, Object>> result = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(inputs)) {
            List<String> header = Arrays.asList(reader.readLine().split(","));
            String line;
            while (result.size() < rows && (line = reader.readLine()) != null) {
                String[] cells = line.split(",", -1);
                Map<String, Object> input = new LinkedHashMap<>();
                for (JsonNode field : fields) {
                    String name = field.get("name").asText();
                    int column = header.indexOf(name);
                    if (column < 0) {
                        throw new IllegalArgumentException(inputs + " has no column " + name + " the model reads");
                    }
                    input.put(name, "number".equals(field.get("type").asText()) ? (Object) Double.parseDouble(cells[column]) : cells[column]);
                }
                result.add(input);
            }
        }
        return result;
    }

    private List<Prediction> predictOffline(String artifactUri, List<Map<String, Object>> known) throws Exception {
        Path dir = Files.createTempDirectory("predict-check-");
        try {
            download(artifactUri, dir);
            ObjectMapper recipesJson = new ObjectMapper().findAndRegisterModules();
            ModelLoader loader = new RecipeModelLoader(List.of(new TabularClassificationRecipe(recipesJson),
                    new TextClassificationRecipe(recipesJson, new SentenceEncoder())), recipesJson);
            try (TrainedModel trained = loader.load(dir)) {
                return trained.predict(known);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void download(String artifactUri, Path dir) throws Exception {
        URI uri = URI.create(artifactUri);
        String bucket = uri.getHost();
        String prefix = uri.getPath().substring(1);
        prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        MinioClient minio = MinioClient.builder().endpoint(s3).credentials(s3AccessKey, s3SecretKey).region("us-east-1").build();
        for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
            String name = result.get().objectName();
            Path file = dir.resolve(name.substring(prefix.length()));
            Files.createDirectories(file.getParent());
            minio.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(name).filename(file.toString()).build());
        }
    }

    /** Predicts, waiting while the version is loading (503 with Retry-After: a cold start). */
    private JsonNode predict(String path, List<Map<String, Object>> known) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve(path)).header("X-User", user)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("inputs", known)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return json.readTree(response.body());
            }
            if (response.statusCode() != 503 || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
            System.out.printf("served:  version loading, asked to retry after %d s%n", seconds);
            Thread.sleep(seconds * 1000);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve(path)).header("X-User", user).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
