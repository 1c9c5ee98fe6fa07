package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every PromQL expression of the alert rules and the dashboards names only metrics that a service
 * really exports: the meters each module's code registers with Micrometer (read from its sources and
 * named as Micrometer's Prometheus registry names them), plus the Quarkus and Micrometer built-ins
 * that docs/metrics.md lists. docs/metrics.md itself is held to the code: each of the platform's
 * metrics it lists must be registered by the service it says exports it. (e2e-tests' EndToEndTest
 * checks the same names against the running services' /q/metrics, through {@link ChartQueries}.)
 */
class MetricNamesTest {

    static final List<String> VALUES_FILES = RenderedChart.VALUES_FILES;
    static final Path PROJECT = Path.of("..");
    static final Path METRICS_DOC = PROJECT.resolve("docs").resolve("metrics.md");

    private static final Pattern DOCUMENTED = Pattern.compile("`([a-z_:][a-z0-9_:]*)`(?:, `(_\\w+)`)?(?:, `(_\\w+)`)?");
    /** A meter's name in Micrometer's dotted style. */
    private static final String METER_NAME = "\"([a-z][a-z0-9]*(?:\\.[a-z0-9]+)+)\"";
    /** {@code Counter.builder("a.b")} and the like. */
    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|FunctionCounter|Timer|FunctionTimer|LongTaskTimer|Gauge|DistributionSummary)\\.builder\\(\\s*" + METER_NAME);
    /** {@code registry.counter("a.b", ...)}, or a helper such as {@code gauge(values, tags, "a.b", ...)}. */
    private static final Pattern CALL = Pattern.compile(
            "\\b(counter|timer|gauge|summary)\\(\\s*(?:[\\w.]+(?:\\(\\))?\\s*,\\s*){0,3}" + METER_NAME);
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"(\\w+)\"");

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void rulesAndDashboardsNameOnlyExportedMetrics(String valuesFile) throws IOException {
        Map<String, String> expressions = ChartQueries.expressions(RenderedChart.of(valuesFile).objects);
        Set<String> exported = new TreeSet<>(registeredMetrics().keySet());
        exported.addAll(builtInMetrics());

        assertThat(expressions).as("PromQL expressions found").hasSizeGreaterThan(20);
        expressions.forEach((where, expr) -> assertThat(ChartQueries.metricNames(expr))
                .as("%s: %s names a metric no service exports", where, expr).isNotEmpty().isSubsetOf(exported));
    }

    @Test
    void everyPlatformMetricOfTheDocsIsRegisteredByTheServiceThatExportsIt() throws IOException {
        Map<String, String> registered = registeredMetrics();
        List<String> missing = new ArrayList<>();
        for (String[] row : platformMetricRows()) {
            String name = row[0];
            String series = row[1].equals("histogram") || row[1].equals("timer") ? name + "_count" : name;
            String module = row[2];
            if (!module.equals(registered.get(series))) {
                missing.add(name + " (" + row[1] + ", documented as exported by " + module + ", registered by "
                        + registered.getOrDefault(series, "no module") + ")");
            }
        }
        assertThat(platformMetricRows()).as("rows of docs/metrics.md's platform table").hasSizeGreaterThan(10);
        assertThat(missing).as("metrics docs/metrics.md lists that the code does not register").isEmpty();
    }

    @Test
    void anExpressionNamingAnUnknownMetricIsCaught() throws IOException {
        Set<String> exported = new TreeSet<>(registeredMetrics().keySet());
        exported.addAll(builtInMetrics());
        Set<String> named = ChartQueries.metricNames("max by (owner, model) (finetune_model_latest_validation_accuracy)"
                + " < finetune_model_latest_validation_acuracy - 0.02");

        assertThat(named).filteredOn(n -> !exported.contains(n)).containsExactly("finetune_model_latest_validation_acuracy");
    }

    @Test
    void readsMetricNamesOutOfPromql() {
        assertThat(ChartQueries.metricNames("sum by (lane) (rate(finetune_queue_wait_seconds_bucket{lane=~\"a|b\"}[$__rate_interval]))"
                + " / on (lane) group_left finetune_slots unless time() - x_total offset 5m > 0.5"))
                .containsExactlyInAnyOrder("finetune_queue_wait_seconds_bucket", "finetune_slots", "x_total");
        assertThat(ChartQueries.metricNames("label_values(jvm_threads_live_threads, service)")).containsExactly("jvm_threads_live_threads");
    }

    @Test
    void namesMetersAsMicrometersPrometheusRegistryDoes() {
        assertThat(registrations("Counter.builder(\"finetune.jobs.started\").tag(\"lane\", lane).register(registry);"))
                .containsExactly("finetune_jobs_started_total");
        assertThat(registrations("Timer.builder(\"finetune.queue.wait\").publishPercentileHistogram().register(r);"))
                .containsExactlyInAnyOrder("finetune_queue_wait_seconds_count", "finetune_queue_wait_seconds_sum",
                        "finetune_queue_wait_seconds_max", "finetune_queue_wait_seconds_bucket");
        assertThat(registrations("Gauge.builder(\"finetune.job.oldest.running\", o, m -> m.get()).baseUnit(\"seconds\").register(r);"))
                .containsExactly("finetune_job_oldest_running_seconds");
        assertThat(registrations("gauge(modelTimestamps, tags, \"finetune.model.latest.registered.timestamp.seconds\", \"d\", tags)"
                + ".set(1);")).containsExactly("finetune_model_latest_registered_timestamp_seconds");
        assertThat(registrations("String key = \"finetune.not.a.meter\"; registry.gauge(name, value);")).isEmpty();
    }

    /** Prometheus series name -> the module whose main sources register the meter. */
    static Map<String, String> registeredMetrics() throws IOException {
        Map<String, String> registered = new TreeMap<>();
        try (Stream<Path> modules = Files.list(PROJECT)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
                try (Stream<Path> sources = Files.walk(module.resolve("src/main/java"))) {
                    sources.filter(p -> p.toString().endsWith(".java")).forEach(source ->
                            registrations(read(source)).forEach(name -> registered.put(name, module.getFileName().toString())));
                }
            }
        }
        return registered;
    }

    /** The Prometheus series of the meters registered in {@code code}. */
    static Set<String> registrations(String code) {
        Set<String> names = new TreeSet<>();
        for (Pattern pattern : List.of(BUILDER, CALL)) {
            Matcher m = pattern.matcher(code);
            while (m.find()) {
                int end = code.indexOf(';', m.end());
                Matcher unit = BASE_UNIT.matcher(code.substring(m.end(), end < 0 ? code.length() : end));
                names.addAll(prometheusSeries(m.group(1).toLowerCase(), m.group(2), unit.find() ? unit.group(1) : null));
            }
        }
        return names;
    }

    /** How Micrometer's Prometheus registry names a meter's series (PrometheusNamingConvention). */
    private static List<String> prometheusSeries(String type, String dotted, String baseUnit) {
        String name = dotted.replace('.', '_');
        if (type.contains("timer")) {
            baseUnit = "seconds";
        }
        if (baseUnit != null && !name.endsWith("_" + baseUnit)) {
            name += "_" + baseUnit;
        }
        if (type.contains("counter")) {
            return List.of(name + "_total");
        }
        if (type.contains("timer") || type.contains("summary")) {
            return List.of(name + "_count", name + "_sum", name + "_max", name + "_bucket");
        }
        return List.of(name);
    }

    /** docs/metrics.md's platform table: {name, type, exported by}. */
    static List<String[]> platformMetricRows() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : section("## The platform's own metrics")) {
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                rows.add(new String[] {cells[1].strip().replace("`", ""), cells[2].strip(), cells[4].strip()});
            }
        }
        return rows;
    }

    /** The Quarkus and Micrometer built-ins docs/metrics.md lists, with the series they export. */
    static Set<String> builtInMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : section("## Quarkus and Micrometer defaults used")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher m = DOCUMENTED.matcher(line.split("\\|")[1]);
            if (m.find()) {
                String base = m.group(1);
                names.add(base);
                for (int g = 2; g <= 3; g++) {
                    if (m.group(g) != null) {
                        names.add(base.replaceAll("_count$", "") + m.group(g));
                    }
                }
            }
        }
        return names;
    }

    private static List<String> section(String heading) throws IOException {
        List<String> lines = Files.readAllLines(METRICS_DOC);
        int start = lines.indexOf(heading);
        assertThat(start).as("docs/metrics.md has the section '%s'", heading).isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    private static String read(Path source) {
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
