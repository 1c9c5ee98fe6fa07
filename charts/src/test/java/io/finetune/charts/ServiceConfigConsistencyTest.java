package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every environment variable the chart gives a service names a configuration key that the service
 * really has: a key of its application.properties or of one of its {@code @ConfigMapping} interfaces.
 * Quarkus maps an env var to a key by upper-casing it and replacing every other character by '_', so a
 * misspelt or renamed key would otherwise be ignored silently in the cluster.
 */
class ServiceConfigConsistencyTest {

    static final List<String> VALUES_FILES = RenderedChart.VALUES_FILES;
    static final Path PROJECT = Path.of("..");

    /** Read by the JVM itself, not by Quarkus. */
    private static final Set<String> NOT_CONFIGURATION = Set.of("JDK_JAVA_OPTIONS");

    private static final Pattern MAPPING_PREFIX = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern MAPPING_METHOD = Pattern.compile("\\b(\\w+)\\(\\s*\\)\\s*;");

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void everyVariableNamesAKeyOfTheServicesConfiguration(String valuesFile) throws IOException {
        RenderedChart chart = RenderedChart.of(valuesFile);
        List<String> unknown = new ArrayList<>();
        for (JsonNode deployment : chart.ofKind("Deployment").toList()) {
            JsonNode container = TrainerLaneContractTest.container(deployment);
            check(container.path("name").asText(), chart.environment(container), unknown);
        }
        for (JsonNode scaledJob : chart.ofKind("ScaledJob").toList()) {
            check("trainer-worker", chart.environment(TrainerLaneContractTest.trainer(scaledJob)), unknown);
        }
        assertThat(unknown).as("variables set by the chart (%s) that no service configuration key matches", valuesFile)
                .isEmpty();
    }

    /** The API's {@code stale} / {@code accuracyDropped} flags and the ModelStale / ModelAccuracyDropped alerts agree. */
    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void progressFlagsModelsAtTheModelAlertsThresholds(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        JsonNode rules = chart.values.path("monitoring").path("rules");
        Map<String, String> env = chart.environment(
                TrainerLaneContractTest.container(chart.named("Deployment", "ft-finetune-platform-progress")));

        assertThat(Duration.parse(env.get("PROGRESS_MODELS_STALE_AFTER")))
                .isEqualTo(Duration.ofHours(rules.path("modelStaleAfterHours").asLong()));
        assertThat(Double.parseDouble(env.get("PROGRESS_MODELS_ACCURACY_DROP")))
                .isEqualTo(rules.path("modelAccuracyDrop").asDouble());
    }

    private static void check(String module, Map<String, String> environment, List<String> unknown) throws IOException {
        ServiceConfiguration config = ServiceConfiguration.of(PROJECT.resolve(module));
        environment.keySet().stream()
                .filter(name -> !NOT_CONFIGURATION.contains(name))
                .filter(name -> !config.knows(name))
                .forEach(name -> unknown.add(module + ": " + name));
    }

    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** What a service can be configured with, as env var names and @ConfigMapping paths. */
    record ServiceConfiguration(Set<String> propertyKeys, Map<String, Set<String>> mappings) {

        static ServiceConfiguration of(Path module) throws IOException {
            Path file = module.resolve("src/main/resources/application.properties");
            assertThat(file).as("%s's configuration", module.getFileName()).exists();
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            Set<String> keys = new HashSet<>();
            for (String key : properties.stringPropertyNames()) {
                keys.add(envName(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key));
            }
            Map<String, Set<String>> mappings = new java.util.HashMap<>();
            try (Stream<Path> sources = Files.walk(module.resolve("src/main/java"))) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String code = Files.readString(source);
                    Matcher prefix = MAPPING_PREFIX.matcher(code);
                    if (prefix.find()) {
                        Set<String> methods = mappings.computeIfAbsent(envName(prefix.group(1)), p -> new HashSet<>());
                        Matcher method = MAPPING_METHOD.matcher(code);
                        while (method.find()) {
                            methods.add(envName(method.group(1).replaceAll("([a-z0-9])([A-Z])", "$1-$2")));
                        }
                    }
                }
            }
            return new ServiceConfiguration(keys, mappings);
        }

        boolean knows(String name) {
            if (propertyKeys.contains(name)) {
                return true;
            }
            return mappings.entrySet().stream().anyMatch(m -> name.startsWith(m.getKey() + "_")
                    && isPath(name.substring(m.getKey().length() + 1), m.getValue()));
        }

        /** Whether {@code rest} is a chain of mapping methods, e.g. DISPATCH_TOPIC = dispatch().topic(). */
        private static boolean isPath(String rest, Set<String> methods) {
            if (methods.contains(rest)) {
                return true;
            }
            return methods.stream().anyMatch(m -> rest.startsWith(m + "_") && isPath(rest.substring(m.length() + 1), methods));
        }
    }
}
