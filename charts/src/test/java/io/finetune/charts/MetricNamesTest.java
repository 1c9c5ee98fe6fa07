package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every PromQL expression of the alert rules and the dashboards names only metrics listed in
 * docs/metrics.md: the contract the services export against.
 */
class MetricNamesTest {

    static final List<String> VALUES_FILES = RenderedChart.VALUES_FILES;
    static final Path METRICS_DOC = Path.of("..", "docs", "metrics.md");

    private static final Pattern DOCUMENTED = Pattern.compile("`([a-z_:][a-z0-9_:]*)`(?:, `(_\\w+)`)?(?:, `(_\\w+)`)?");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void rulesAndDashboardsNameOnlyDocumentedMetrics(String valuesFile) throws IOException {
        RenderedChart chart = RenderedChart.of(valuesFile);
        Map<String, String> expressions = new TreeMap<>();
        chart.ofKind("PrometheusRule").forEach(rule -> rule.path("spec").path("groups").forEach(group ->
                group.path("rules").forEach(r -> expressions.put("alert " + r.path("alert").asText(), r.path("expr").asText()))));
        ObjectMapper json = new ObjectMapper();
        for (JsonNode configMap : chart.ofKind("ConfigMap").filter(c -> c.path("metadata").path("labels").has("grafana_dashboard")).toList()) {
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
        Set<String> documented = documentedMetrics();

        assertThat(expressions).as("PromQL expressions found").hasSizeGreaterThan(20);
        expressions.forEach((where, expr) -> assertThat(metricNames(expr))
                .as("%s: %s", where, expr).isNotEmpty().isSubsetOf(documented));
    }

    @Test
    void readsMetricNamesOutOfPromql() {
        assertThat(metricNames("sum by (lane) (rate(finetune_queue_wait_seconds_bucket{lane=~\"a|b\"}[$__rate_interval]))"
                + " / on (lane) group_left finetune_slots unless time() - x_total offset 5m > 0.5"))
                .containsExactlyInAnyOrder("finetune_queue_wait_seconds_bucket", "finetune_slots", "x_total");
        assertThat(metricNames("label_values(jvm_threads_live_threads, service)")).containsExactly("jvm_threads_live_threads");
    }

    /** Metric names of a PromQL expression: identifiers that are neither functions, keywords, labels nor durations. */
    static Set<String> metricNames(String expr) {
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

    /** Names in backticks in docs/metrics.md's tables, with the series a histogram, summary or counter exports. */
    static Set<String> documentedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(METRICS_DOC)) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String firstCell = line.split("\\|")[1];
            Matcher m = DOCUMENTED.matcher(firstCell);
            if (m.find()) {
                String base = m.group(1);
                names.add(base);
                if (line.contains("| histogram |")) {
                    names.addAll(List.of(base + "_bucket", base + "_count", base + "_sum"));
                }
                for (int g = 2; g <= 3; g++) {
                    if (m.group(g) != null) {
                        names.add(base.replaceAll("_count$", "") + m.group(g));
                    }
                }
            }
        }
        return names;
    }
}
