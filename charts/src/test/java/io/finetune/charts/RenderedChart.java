package io.finetune.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The chart rendered by Helm (through helm-java's native library) with one of its values files. */
final class RenderedChart {

    static final Path CHART = Path.of("finetune-platform").toAbsolutePath();
    static final List<String> VALUES_FILES = ChartQueries.VALUES_FILES;
    static final ObjectMapper YAML = ChartQueries.YAML;
    private static final Map<String, RenderedChart> CACHE = new ConcurrentHashMap<>();

    final String valuesFile;
    final JsonNode values;
    final List<JsonNode> objects;

    private RenderedChart(String valuesFile, JsonNode values, List<JsonNode> objects) {
        this.valuesFile = valuesFile;
        this.values = values;
        this.objects = objects;
    }

    static RenderedChart of(String valuesFile) {
        return CACHE.computeIfAbsent(valuesFile, RenderedChart::render);
    }

    private static RenderedChart render(String valuesFile) {
        return new RenderedChart(valuesFile, mergedValues(valuesFile), ChartQueries.render(CHART, valuesFile));
    }

    /** The chart's defaults overlaid with the values file, as Helm merges them. */
    static JsonNode mergedValues(String valuesFile) {
        try {
            JsonNode defaults = YAML.readTree(CHART.resolve("values.yaml").toFile());
            return "values.yaml".equals(valuesFile) ? defaults
                    : merge((ObjectNode) defaults.deepCopy(), YAML.readTree(CHART.resolve(valuesFile).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode merge(ObjectNode base, JsonNode overlay) {
        overlay.properties().forEach(entry -> {
            JsonNode current = base.get(entry.getKey());
            if (current instanceof ObjectNode currentObject && entry.getValue().isObject()) {
                merge(currentObject, entry.getValue());
            } else {
                base.set(entry.getKey(), entry.getValue());
            }
        });
        return base;
    }

    Stream<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
    }

    JsonNode named(String kind, String name) {
        return ofKind(kind).filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(valuesFile + ": no " + kind + " named " + name));
    }

    /** Plain configuration of a container: its env values and the ConfigMaps it takes whole (envFrom). */
    Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String configMap = from.path("configMapRef").path("name").asText(null);
            if (configMap != null) {
                named("ConfigMap", configMap).path("data").properties()
                        .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            }
        }
        for (JsonNode variable : container.path("env")) {
            env.put(variable.path("name").asText(), variable.has("value") ? variable.path("value").asText() : null);
        }
        return env;
    }

    /** A copy of the chart whose values.yaml is the merged values of {@code valuesFile}, for {@code helm lint}. */
    static Path chartWithValues(String valuesFile, Path workDir) throws IOException {
        Path copy = workDir.resolve(CHART.getFileName());
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        YAML.writeValue(copy.resolve("values.yaml").toFile(), mergedValues(valuesFile));
        return copy;
    }
}
