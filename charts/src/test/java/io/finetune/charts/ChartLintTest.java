package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ChartLintTest {

    static final java.util.List<String> VALUES_FILES = RenderedChart.VALUES_FILES;

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void lintsStrictlyClean(String valuesFile, @TempDir Path workDir) throws Exception {
        // helm-java's lint takes no values file: lint a copy whose values.yaml holds the merged values.
        LintResult result = new Helm(RenderedChart.chartWithValues(valuesFile, workDir)).lint().strict().call();

        assertThat(result.isFailed()).as("helm lint --strict with %s: %s", valuesFile, result.getMessages()).isFalse();
        assertThat(result.getMessages()).as("lint messages with %s", valuesFile)
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void rendersEveryComponent(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);

        assertThat(chart.ofKind("Deployment").map(d -> d.path("metadata").path("name").asText()))
                .containsExactlyInAnyOrder("ft-finetune-platform-gateway", "ft-finetune-platform-dataset",
                        "ft-finetune-platform-scheduler", "ft-finetune-platform-progress", "ft-finetune-platform-serving");
        assertThat(chart.ofKind("Service")).hasSizeGreaterThanOrEqualTo(5);
        assertThat(chart.ofKind("PodDisruptionBudget")).hasSize(5);
        assertThat(chart.ofKind("ServiceMonitor")).hasSize(5);
        assertThat(chart.ofKind("HorizontalPodAutoscaler").map(h -> h.path("metadata").path("name").asText()))
                .containsExactlyInAnyOrder("ft-finetune-platform-gateway", "ft-finetune-platform-serving");
        // the two GPU lanes and the cpu lane of prediction jobs
        assertThat(chart.ofKind("ScaledJob").map(j -> j.path("metadata").path("name").asText()))
                .containsExactlyInAnyOrder("ft-finetune-platform-trainer-interactive",
                        "ft-finetune-platform-trainer-production", "ft-finetune-platform-trainer-cpu");
        assertThat(chart.ofKind("TriggerAuthentication")).hasSize(1);
        assertThat(chart.ofKind("PrometheusRule")).hasSize(1);
        assertThat(chart.ofKind("ConfigMap").filter(c -> c.path("metadata").path("labels").has("grafana_dashboard")))
                .hasSize(4);
    }
}
