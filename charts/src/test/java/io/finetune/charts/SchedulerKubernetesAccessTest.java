package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The scheduler's Kubernetes access is exactly what its code calls (scheduler-service README): get a
 * trainer's pod and delete its Job in the release's namespace, and, only with capacityFromNodes, list
 * nodes; its configuration switches that code on and names each GPU lane's nodes and resource.
 */
class SchedulerKubernetesAccessTest {

    static final List<String> VALUES_FILES = RenderedChart.VALUES_FILES;
    private static final String SCHEDULER = "ft-finetune-platform-scheduler";

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void theRoleGrantsGettingPodsAndDeletingJobsOnly(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        JsonNode role = chart.named("Role", SCHEDULER + "-trainer-jobs");
        assertThat(rules(role)).containsExactly("/pods: get", "batch/jobs: delete");
        assertThat(chart.named("RoleBinding", SCHEDULER + "-trainer-jobs").path("subjects").get(0).path("name").asText())
                .isEqualTo(SCHEDULER);
        Map<String, String> env = chart.environment(TrainerLaneContractTest.container(chart.named("Deployment", SCHEDULER)));
        assertThat(env).containsEntry("SCHEDULER_KUBERNETES_ENABLED", "true");
    }

    @Test
    void nodesAreListedOnlyWhenCapacityIsReadFromThem() {
        RenderedChart plain = RenderedChart.of("values.yaml");
        assertThat(plain.ofKind("ClusterRole").filter(r -> r.path("metadata").path("name").asText().startsWith(SCHEDULER)))
                .isEmpty();
        assertThat(plain.environment(TrainerLaneContractTest.container(plain.named("Deployment", SCHEDULER))).keySet())
                .noneMatch(k -> k.startsWith("SCHEDULER_KUBERNETES_LANES_"));

        RenderedChart gpu = RenderedChart.of("values-gpu-production.yaml");
        List<JsonNode> nodeRoles = gpu.ofKind("ClusterRole")
                .filter(r -> r.path("metadata").path("name").asText().startsWith(SCHEDULER)).toList();
        assertThat(nodeRoles).hasSize(1);
        assertThat(rules(nodeRoles.get(0))).containsExactly("/nodes: list");
        Map<String, String> env = gpu.environment(TrainerLaneContractTest.container(gpu.named("Deployment", SCHEDULER)));
        assertThat(env)
                .containsEntry("SCHEDULER_KUBERNETES_LANES_PRODUCTION_NODE_SELECTOR",
                        "nvidia.com/gpu.present=true,nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3")
                .containsEntry("SCHEDULER_KUBERNETES_LANES_PRODUCTION_GPU_RESOURCE", "nvidia.com/gpu")
                .containsEntry("SCHEDULER_KUBERNETES_LANES_INTERACTIVE_NODE_SELECTOR",
                        "nvidia.com/gpu.present=true,nvidia.com/mig.config=all-3g.40gb")
                .containsEntry("SCHEDULER_KUBERNETES_LANES_INTERACTIVE_GPU_RESOURCE", "nvidia.com/mig-3g.40gb")
                .containsEntry("SCHEDULER_KUBERNETES_LANES_INTERACTIVE_GPUS_PER_TRAINER", "1");
    }

    /** Each rule as {@code group/resource: verb, verb}. */
    private static List<String> rules(JsonNode role) {
        List<String> rules = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            List<String> verbs = new ArrayList<>();
            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            for (JsonNode resource : rule.path("resources")) {
                rules.add(rule.path("apiGroups").get(0).asText() + "/" + resource.asText() + ": " + String.join(", ", verbs));
            }
        }
        return rules;
    }
}
