package io.finetune.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every rendered object is a valid object of its kind: Kubernetes and Prometheus Operator kinds through
 * fabric8's model, Strimzi kinds through Strimzi's own model, KEDA kinds against KEDA's CRD schemas,
 * CloudNativePG kinds against the subset of their CRD schema that the chart uses. Unknown fields fail.
 */
class KubernetesSchemaTest {

    static final List<String> VALUES_FILES = RenderedChart.VALUES_FILES;
    static final Path KEDA_CRDS = Path.of("..", "..", "shared", "reference", "keda-crds");

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class));

    private static final Map<String, String> CRD_SCHEMAS = Map.of(
            "keda.sh/v1alpha1/ScaledJob", KEDA_CRDS.resolve("keda.sh_scaledjobs.yaml").toString(),
            "keda.sh/v1alpha1/TriggerAuthentication", KEDA_CRDS.resolve("keda.sh_triggerauthentications.yaml").toString(),
            "postgresql.cnpg.io/v1/Cluster", "src/test/resources/cnpg/postgresql.cnpg.io_clusters.subset.yaml",
            "postgresql.cnpg.io/v1/Database", "src/test/resources/cnpg/postgresql.cnpg.io_databases.subset.yaml");

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void everyObjectParsesAsItsKind(String valuesFile) throws Exception {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : RenderedChart.of(valuesFile).objects) {
            String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
            String id = type + " " + object.path("metadata").path("name").asText();
            if (MODELS.containsKey(type)) {
                try {
                    Object parsed = STRICT.treeToValue(object, MODELS.get(type));
                    unknownFields(parsed, id, new IdentityHashMap<>(), problems);
                } catch (IOException e) {
                    problems.add(id + ": " + e.getMessage());
                }
            } else if (CRD_SCHEMAS.containsKey(type)) {
                for (ValidationMessage message : crdSchema(CRD_SCHEMAS.get(type)).validate(object)) {
                    problems.add(id + ": " + message.getMessage());
                }
            } else {
                problems.add(id + ": no schema known for this kind");
            }
        }
        assertThat(problems).as("objects rendered with %s that do not match their schema", valuesFile).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void crdSchemaRejectsAnUnknownField(String valuesFile) {
        JsonNode scaledJob = RenderedChart.of(valuesFile).ofKind("ScaledJob").findFirst().orElseThrow().deepCopy();
        ((ObjectNode) scaledJob.path("spec")).put("maxReplicas", 3);

        assertThat(crdSchema(CRD_SCHEMAS.get("keda.sh/v1alpha1/ScaledJob")).validate(scaledJob))
                .as("a misspelt field must fail validation, or the schema check proves nothing").isNotEmpty();
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void modelRejectsAnUnknownField(String valuesFile) throws Exception {
        JsonNode deployment = RenderedChart.of(valuesFile).ofKind("Deployment").findFirst().orElseThrow().deepCopy();
        ((ObjectNode) deployment.path("spec").path("template").path("spec")).put("serviceAcountName", "typo");
        List<String> problems = new ArrayList<>();

        unknownFields(STRICT.treeToValue(deployment, Deployment.class), "Deployment", new IdentityHashMap<>(), problems);

        assertThat(problems).as("a misspelt field must be reported").singleElement().asString().contains("serviceAcountName");
    }

    /**
     * The CRD's openAPIV3Schema as a JSON schema. The API server prunes unknown fields; here every
     * object schema without {@code x-kubernetes-preserve-unknown-fields} rejects them instead.
     */
    static JsonSchema crdSchema(String crdFile) {
        try {
            JsonNode crd = RenderedChart.YAML.readTree(Path.of(crdFile).toFile());
            JsonNode schema = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema").deepCopy();
            closeObjects(schema);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + crdFile, e);
        }
    }

    private static void closeObjects(JsonNode schema) {
        if (schema instanceof ObjectNode node) {
            if (node.has("properties") && !node.has("additionalProperties")
                    && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                node.put("additionalProperties", false);
            }
            node.properties().forEach(e -> closeObjects(e.getValue()));
        } else if (schema instanceof ArrayNode array) {
            array.forEach(KubernetesSchemaTest::closeObjects);
        }
    }

    /**
     * fabric8 and Strimzi models keep unknown fields in {@code additionalProperties} instead of failing:
     * walk the parsed object and report every one that is not empty.
     */
    private static void unknownFields(Object value, String path, Map<Object, Boolean> seen, List<String> problems)
            throws InvocationTargetException, IllegalAccessException {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", seen, problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), seen, problems);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object result = getter.invoke(value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (result instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown fields " + extra.keySet());
                }
            } else {
                unknownFields(result, path + "." + getter.getName().substring(3), seen, problems);
            }
        }
    }

}
