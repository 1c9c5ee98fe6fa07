package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rendered alert rules pass {@code promtool check rules} and their unit tests in
 * src/test/resources/promtool ({@code promtool test rules}). promtool comes from Debian's prometheus
 * package (dev/system-packages installs it); without it these tests fail, they do not skip.
 */
class PromtoolTest {

    @ParameterizedTest
    @CsvSource({"values.yaml, alerts-test.yaml", "values-gpu-production.yaml, alerts-production-test.yaml"})
    void rulesAreValidAndEveryAlertFiresAndStaysQuietAsTested(String valuesFile, String testFile, @TempDir Path dir)
            throws Exception {
        Path rules = dir.resolve("rules.yaml");
        JsonNode rule = RenderedChart.of(valuesFile).ofKind("PrometheusRule").findFirst().orElseThrow();
        RenderedChart.YAML.writeValue(rules.toFile(), rule.path("spec"));
        Path tests = Files.copy(Path.of("src/test/resources/promtool", testFile), dir.resolve(testFile));

        assertSucceeds(promtool(), "check", "rules", rules.toString());
        assertSucceeds(promtool(), "test", "rules", tests.toString());
    }

    @ParameterizedTest
    @CsvSource({"values.yaml", "values-gpu-production.yaml"})
    void everyAlertHasAUnitTest(String valuesFile) throws IOException {
        JsonNode rule = RenderedChart.of(valuesFile).ofKind("PrometheusRule").findFirst().orElseThrow();
        String tests = Files.readString(Path.of("src/test/resources/promtool/alerts-test.yaml"));

        assertThat(rule.path("spec").path("groups").findValuesAsText("alert"))
                .isNotEmpty()
                .allSatisfy(alert -> assertThat(tests).contains("alertname: " + alert));
    }

    static String promtool() {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator), new String[] {"/usr/bin"})
                .flatMap(Stream::of)
                .map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new AssertionError(
                        "promtool not found: run dev/system-packages as root (installs Debian's prometheus package)"));
    }

    private static void assertSucceeds(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
    }
}
