package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * serving-service in the cluster (docs/models.md): a Deployment scaled by a CPU HorizontalPodAutoscaler
 * within the values' bounds, the broker and the object store wired like the trainers (which write the
 * artifacts it loads), no database, and the gateway's REST client pointed at its Service.
 */
class ServingWiringTest {

    static final List<String> VALUES_FILES = RenderedChart.VALUES_FILES;
    private static final String SERVING = "ft-finetune-platform-serving";

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void servingReadsTheBrokerAndTheStoreLikeTheTrainers(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        JsonNode serving = TrainerLaneContractTest.container(chart.named("Deployment", SERVING));
        JsonNode trainer = TrainerLaneContractTest.trainer(chart.ofKind("ScaledJob").findFirst().orElseThrow());
        Map<String, String> env = chart.environment(serving);

        for (String variable : List.of("KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_MINIO_HOST", "QUARKUS_MINIO_ACCESS_KEY",
                "QUARKUS_MINIO_SECRET_KEY")) {
            assertThat(envEntry(serving, variable)).as("%s of serving-service (%s)", variable, valuesFile)
                    .isEqualTo(envEntry(trainer, variable));
        }
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isNotBlank();
        assertThat(env).doesNotContainKeys("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME");
        assertThat(env).containsEntry("QUARKUS_HTTP_PORT", "8080").containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0");
        assertThat(serving.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
        assertThat(serving.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        JsonNode pod = chart.named("Deployment", SERVING).path("spec").path("template").path("spec");
        assertThat(pod.path("volumes").get(0).path("emptyDir").path("sizeLimit").asText())
                .as("/tmp holds DJL's natives and the downloaded models")
                .isEqualTo(chart.values.path("services").path("serving").path("tmpSizeLimit").asText()).isNotEqualTo("256Mi");
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void cpuAutoscalerWithinTheValuesBounds(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        JsonNode values = chart.values.path("services").path("serving").path("autoscaling");
        JsonNode hpa = chart.named("HorizontalPodAutoscaler", SERVING).path("spec");

        assertThat(hpa.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.path("scaleTargetRef").path("name").asText()).isEqualTo(SERVING);
        assertThat(hpa.path("minReplicas").asInt()).isEqualTo(values.path("minReplicas").asInt()).isPositive();
        assertThat(hpa.path("maxReplicas").asInt()).isEqualTo(values.path("maxReplicas").asInt())
                .isGreaterThanOrEqualTo(hpa.path("minReplicas").asInt());
        assertThat(hpa.path("metrics")).singleElement().satisfies(metric -> {
            assertThat(metric.path("resource").path("name").asText()).isEqualTo("cpu");
            assertThat(metric.path("resource").path("target").path("averageUtilization").asInt())
                    .isEqualTo(values.path("targetCPUUtilizationPercentage").asInt());
        });
        assertThat(chart.named("Deployment", SERVING).path("spec").has("replicas"))
                .as("the HPA owns the replica count").isFalse();
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void gatewayCallsServingThroughItsService(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        Map<String, String> gateway = chart.environment(
                TrainerLaneContractTest.container(chart.named("Deployment", "ft-finetune-platform-gateway")));
        JsonNode service = chart.named("Service", SERVING);
        int port = service.path("spec").path("ports").get(0).path("port").asInt();

        assertThat(gateway).containsEntry("QUARKUS_REST_CLIENT_SERVING_SERVICE_URL", "http://" + SERVING + ":" + port);
        assertThat(service.path("spec").path("selector"))
                .isEqualTo(chart.named("Deployment", SERVING).path("spec").path("selector").path("matchLabels"));

        JsonNode policy = chart.named("NetworkPolicy", SERVING);
        assertThat(policy.path("spec").path("ingress").findValues("podSelector"))
                .as("only the gateway's pods (and the monitoring namespace) reach serving")
                .containsExactly(chart.named("Deployment", "ft-finetune-platform-gateway")
                        .path("spec").path("selector"));
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void topicsAServiceCreatesGetTheClustersReplicationFactor(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        String clusterDefault = chart.ofKind("Kafka").findFirst().orElseThrow()
                .path("spec").path("kafka").path("config").path("default.replication.factor").asText();

        assertThat(clusterDefault).isNotEqualTo("1");
        assertThat(chart.environment(TrainerLaneContractTest.container(chart.named("Deployment", SERVING))))
                .containsEntry("SERVING_TOPIC_REPLICATION_FACTOR", clusterDefault);
        assertThat(chart.environment(TrainerLaneContractTest.container(
                chart.named("Deployment", "ft-finetune-platform-progress"))))
                .containsEntry("PROGRESS_TOPICS_REPLICATION_FACTOR", clusterDefault);
    }

    private static JsonNode envEntry(JsonNode container, String name) {
        return StreamSupport.stream(container.path("env").spliterator(), false)
                .filter(e -> name.equals(e.path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(container.path("name").asText() + " has no env " + name));
    }
}
