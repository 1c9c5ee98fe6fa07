package io.finetune.charts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart rendered by Helm (helm-java's native library, offline) and the PromQL its alert rules and
 * Grafana dashboards run, with the metric names each expression reads. The chart's MetricNamesTest
 * holds these names to the meters the services' sources register; e2e-tests' EndToEndTest holds them
 * to what the running services really serve at {@code /q/metrics}.
 */
public final class ChartQueries {

    /** The values files the chart is tested with: its defaults and the GPU production example. */
    public static final List<String> VALUES_FILES = List.of("values.yaml", "values-gpu-production.yaml");
    public static final String RELEASE = "ft";
    public static final String NAMESPACE = "finetune";
    /** helm template defaults to Kubernetes 1.20, below the chart's kubeVersion. */
    public static final String KUBE_VERSION = "1.31.0";

    /** Duplicate keys fail: the API server's strict field validation rejects them. */
    public static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");

    private ChartQueries() {
    }

    /** {@code helm template} of the chart at {@code chart} with one of its values files: every object rendered. */
    public static List<JsonNode> render(Path chart, String valuesFile) {
        String manifest = new Helm(chart).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(chart.resolve(valuesFile))
                .call();
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(manifest)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    objects.add(node);
                }
            });
            return List.copyOf(objects);
        } catch (IOException e) {
            throw new UncheckedIOException("helm template with " + valuesFile + " produced unreadable YAML", e);
        }
    }

    /** Every metric name the chart's rules and dashboards read, over all its tested values files. */
    public static Set<String> metricNamesUsed(Path chart) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String valuesFile : VALUES_FILES) {
            for (String expr : expressions(render(chart, valuesFile)).values()) {
                names.addAll(metricNames(expr));
            }
        }
        return names;
    }

    /** Every PromQL expression of the rendered objects: alert rules, dashboard queries and template variables. */
    public static Map<String, String> expressions(List<JsonNode> objects) throws IOException {
        Map<String, String> expressions = new TreeMap<>();
        for (JsonNode rule : ofKind(objects, "PrometheusRule")) {
            rule.path("spec").path("groups").forEach(group -> group.path("rules").forEach(r ->
                    expressions.put("alert " + r.path("alert").asText(), r.path("expr").asText())));
        }
        ObjectMapper json = new ObjectMapper();
        for (JsonNode configMap : ofKind(objects, "ConfigMap")) {
            if (!configMap.path("metadata").path("labels").has("grafana_dashboard")) {
                continue;
            }
            for (JsonNode file : configMap.path("data")) {
                JsonNode dashboard = json.readTree(file.asText());
                List<JsonNode> queries = new ArrayList<>(dashboard.findValues("expr"));
                dashboard.path("templating").path("list").forEach(v -> queries.add(v.path("definition")));
                int i = 0;
                for (JsonNode query : queries) {
                    if (!query.asText().isEmpty()) {
                        expressions.put(dashboard.path("uid").asText() + " #" + i++, query.asText());
                    }
                }
            }
        }
        return expressions;
    }

    /** Metric names of a PromQL expression: identifiers that are neither functions, keywords, labels nor durations. */
    public static Set<String> metricNames(String expr) {
        String stripped = expr
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\w+", " ")
                .replaceAll("label_values\\(([^,]+),[^)]*\\)", "$1");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            String word = m.group();
            boolean function = stripped.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(stripped.charAt(m.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }
}
