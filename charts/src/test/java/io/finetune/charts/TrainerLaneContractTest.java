package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.common.events.Topics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The KEDA trigger of each trainer lane agrees with what the scheduler publishes to and the trainer
 * consumes with, and the ScaledJob can neither stay at zero with work waiting nor kill a running job.
 */
class TrainerLaneContractTest {

    static final List<String> VALUES_FILES = RenderedChart.VALUES_FILES;

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void triggerWatchesTheLanesDispatchTopicWithTheTrainersGroup(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        Map<String, String> scheduler = chart.environment(container(chart.named("Deployment", "ft-finetune-platform-scheduler")));

        chart.ofKind("ScaledJob").forEach(scaledJob -> {
            String lane = scaledJob.path("metadata").path("labels").path("finetune.io/lane").asText();
            JsonNode trigger = scaledJob.path("spec").path("triggers").get(0);
            JsonNode metadata = trigger.path("metadata");
            Map<String, String> trainer = chart.environment(trainer(scaledJob));

            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            assertThat(metadata.path("topic").asText()).as("lane %s topic", lane)
                    .isEqualTo(Topics.TRAINING_DISPATCH + "." + lane)
                    .isEqualTo(trainer.get("TRAINER_DISPATCH_TOPIC"))
                    .isEqualTo(scheduler.get("SCHEDULER_LANES_" + lane.toUpperCase(Locale.ROOT) + "_TOPIC"));
            assertThat(metadata.path("consumerGroup").asText()).as("lane %s group", lane)
                    .isEqualTo(Topics.TRAINERS_GROUP)
                    .isEqualTo(trainer.get("TRAINER_DISPATCH_GROUP"))
                    .isEqualTo(scheduler.get("SCHEDULER_DISPATCH_TRAINER_GROUP"));
            assertThat(metadata.path("bootstrapServers").asText()).isEqualTo(trainer.get("KAFKA_BOOTSTRAP_SERVERS"));
            assertThat(metadata.has("offsetResetPolicy")).as("offsetResetPolicy stated explicitly").isTrue();
            assertThat(chart.named("TriggerAuthentication", trigger.path("authenticationRef").path("name").asText()))
                    .isNotNull();
        });
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void lanesScaleFromZeroToTheirSlotsAndNeverBeyondThePartitions(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        Map<String, String> scheduler = chart.environment(container(chart.named("Deployment", "ft-finetune-platform-scheduler")));
        int totalSlots = 0;

        for (JsonNode scaledJob : chart.ofKind("ScaledJob").toList()) {
            String lane = scaledJob.path("metadata").path("labels").path("finetune.io/lane").asText();
            JsonNode laneValues = chart.values.path("trainers").path("lanes").path(lane);
            JsonNode spec = scaledJob.path("spec");
            int slots = laneValues.path("slots").asInt();
            totalSlots += slots;

            assertThat(spec.path("minReplicaCount").asInt(-1)).isZero();
            assertThat(spec.path("maxReplicaCount").asInt()).as("lane %s max pods = slots", lane).isEqualTo(slots);
            assertThat(scheduler.get("SCHEDULER_LANES_" + lane.toUpperCase(Locale.ROOT) + "_SLOTS"))
                    .isEqualTo(String.valueOf(slots));
            boolean idleConsumers = spec.path("triggers").get(0).path("metadata").path("allowIdleConsumers").asBoolean();
            if (!idleConsumers) {
                // KEDA caps the pods of a Kafka trigger at the topic's partition count.
                assertThat(laneValues.path("partitions").asInt()).as("lane %s partitions", lane).isGreaterThanOrEqualTo(slots);
                chart.ofKind("KafkaTopic")
                        .filter(t -> t.path("spec").path("topicName").asText().equals(laneValues.path("topic").asText()))
                        .forEach(t -> assertThat(t.path("spec").path("partitions").asInt()).isGreaterThanOrEqualTo(slots));
            }
        }
        assertThat(scheduler.get("SCHEDULER_SLOTS")).isEqualTo(String.valueOf(totalSlots));
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void trainerJobsRunOnGpuNodesUntilTheThreeDayLimitAndSurviveUpgrades(String valuesFile) {
        // GPU lanes ask for their GPUs and go to GPU nodes; the cpu lane (prediction jobs) asks for none
        RenderedChart chart = RenderedChart.of(valuesFile);

        chart.ofKind("ScaledJob").forEach(scaledJob -> {
            String lane = scaledJob.path("metadata").path("labels").path("finetune.io/lane").asText();
            JsonNode laneValues = chart.values.path("trainers").path("lanes").path(lane);
            JsonNode job = scaledJob.path("spec").path("jobTargetRef");
            JsonNode pod = job.path("template").path("spec");
            String gpu = laneValues.path("gpu").path("resource").asText();

            assertThat(job.path("activeDeadlineSeconds").asLong()).isEqualTo(3L * 24 * 3600);
            assertThat(scaledJob.path("spec").path("rollout").path("strategy").asText())
                    .as("an upgrade must not delete running trainer Jobs").isEqualTo("gradual");
            assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
            if (laneValues.path("gpu").path("count").asInt() == 0) {
                assertThat(trainer(scaledJob).path("resources").path("requests").has(gpu)).as(lane).isFalse();
                assertThat(trainer(scaledJob).path("resources").path("limits").has(gpu)).as(lane).isFalse();
                assertThat(pod.path("tolerations").findValuesAsText("key")).as(lane).doesNotContain("nvidia.com/gpu");
                assertThat(trainer(scaledJob).path("image").asText()).as(lane).contains("/trainer-worker:");
                return;
            }
            assertThat(trainer(scaledJob).path("resources").path("limits").path(gpu).asText())
                    .isEqualTo(laneValues.path("gpu").path("count").asText());
            assertThat(trainer(scaledJob).path("resources").path("requests").path(gpu).asText())
                    .isEqualTo(laneValues.path("gpu").path("count").asText());
            assertThat(pod.path("nodeSelector")).isNotEmpty();
            assertThat(pod.path("tolerations").findValuesAsText("key")).contains("nvidia.com/gpu");
        });
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void topicsATrainerCreatesGetTheClustersReplicationFactor(String valuesFile) {
        RenderedChart chart = RenderedChart.of(valuesFile);
        JsonNode kafkaConfig = chart.ofKind("Kafka").findFirst().orElseThrow()
                .path("spec").path("kafka").path("config");
        String clusterDefault = kafkaConfig.path("default.replication.factor").asText();

        // The trainer's local default is 1: with min.insync.replicas above it, writes to its topics are refused.
        assertThat(Integer.parseInt(clusterDefault)).isGreaterThanOrEqualTo(kafkaConfig.path("min.insync.replicas").asInt())
                .isGreaterThan(1);
        assertThat(chart.ofKind("ScaledJob").toList()).isNotEmpty().allSatisfy(scaledJob -> assertThat(
                chart.environment(trainer(scaledJob))).as(scaledJob.path("metadata").path("name").asText())
                .containsEntry("TRAINER_TOPIC_REPLICATION_FACTOR", clusterDefault));
    }

    static JsonNode trainer(JsonNode scaledJob) {
        return scaledJob.path("spec").path("jobTargetRef").path("template").path("spec").path("containers").get(0);
    }

    static JsonNode container(JsonNode workload) {
        return workload.path("spec").path("template").path("spec").path("containers").get(0);
    }
}
