package io.finetune.charts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The chart rendered by Helm (through helm-java's native library) with one of its values files. */
final class RenderedChart {

    static final Path CHART = Path.of("finetune-platform").toAbsolutePath();
    /** The values files the chart is tested with: its defaults and the GPU production example. */
    static final List<String> VALUES_FILES = List.of("values.yaml", "values-gpu-production.yaml");
    static final String RELEASE = "ft";
    static final String NAMESPACE = "finetune";
    /** helm template defaults to Kubernetes 1.20, below the chart's kubeVersion. */
    static final String KUBE_VERSION = "1.31.0";

    /** Duplicate keys fail: the API server's strict field validation rejects them. */
    static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
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
        String manifest = new Helm(CHART).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(CHART.resolve(valuesFile))
                .call();
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(manifest)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    objects.add(node);
                }
            });
            return new RenderedChart(valuesFile, mergedValues(valuesFile), List.copyOf(objects));
        } catch (IOException e) {
            throw new UncheckedIOException("helm template with " + valuesFile + " produced unreadable YAML", e);
        }
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
