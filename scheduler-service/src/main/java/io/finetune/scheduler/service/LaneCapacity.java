package io.finetune.scheduler.service;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.finetune.scheduler.config.KubernetesConfig;
import io.finetune.scheduler.config.SchedulerConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The trainer slots of each lane: {@code scheduler.lanes.<lane>.slots}, and on Kubernetes, for a
 * lane with a node selector ({@code scheduler.kubernetes.lanes.<lane>.node-selector}), at most the
 * trainers its schedulable nodes' allocatable GPUs ({@code gpu-resource}) can hold, read every
 * {@code scheduler.kubernetes.capacity-tick}. The configured slots stay the ceiling (KEDA's
 * maxReplicaCount and the topic's partitions follow them); the nodes lower it when GPUs are missing,
 * so no job is released to a trainer pod that could not be scheduled. Until the first reading, and
 * when the API cannot be read, the last known value holds.
 */
@ApplicationScoped
public class LaneCapacity {

    private static final Logger LOG = Logger.getLogger(LaneCapacity.class);

    private final SchedulerConfig scheduler;
    private final KubernetesConfig config;
    private final Instance<KubernetesClient> client;
    private final Map<String, Integer> fromNodes = new ConcurrentHashMap<>();

    LaneCapacity(SchedulerConfig scheduler, KubernetesConfig config, Instance<KubernetesClient> client) {
        this.scheduler = scheduler;
        this.config = config;
        this.client = client;
    }

    /** Jobs of the lane that may be dispatched or running at once. */
    public int slots(String lane) {
        int configured = scheduler.lanes().get(lane).slots();
        Integer nodes = fromNodes.get(lane);
        return nodes == null ? configured : Math.min(configured, nodes);
    }

    @Scheduled(every = "${scheduler.kubernetes.capacity-tick}", identity = "capacity-tick",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        refresh();
    }

    /** Reads the lanes' nodes; a lane whose nodes cannot be read keeps its last reading. */
    public void refresh() {
        if (!config.enabled()) {
            return;
        }
        for (var lane : config.lanes().entrySet()) {
            if (!scheduler.lanes().containsKey(lane.getKey()) || lane.getValue().nodeSelector().isEmpty()) {
                continue;
            }
            try {
                long gpus = client.get().nodes().withLabelSelector(lane.getValue().nodeSelector().get()).list().getItems()
                        .stream()
                        // a cordoned node takes no new trainer pod
                        .filter(node -> node.getSpec() == null || !Boolean.TRUE.equals(node.getSpec().getUnschedulable()))
                        .mapToLong(node -> allocatable(node, lane.getValue().gpuResource()))
                        .sum();
                int trainers = (int) (gpus / Math.max(1, lane.getValue().gpusPerTrainer()));
                Integer before = fromNodes.put(lane.getKey(), trainers);
                if (before == null || before != trainers) {
                    LOG.infof("Lane %s: its nodes (%s) hold %d trainers (%d %s)", lane.getKey(),
                            lane.getValue().nodeSelector().get(), trainers, gpus, lane.getValue().gpuResource());
                }
            } catch (KubernetesClientException e) {
                LOG.warnf("Lane %s: cannot read its nodes (%s); keeping %s slots", lane.getKey(), e.getMessage(),
                        slots(lane.getKey()));
            }
        }
    }

    private static long allocatable(Node node, String resource) {
        Quantity gpus = node.getStatus() == null || node.getStatus().getAllocatable() == null ? null
                : node.getStatus().getAllocatable().get(resource);
        return gpus == null ? 0 : Quantity.getAmountInBytes(gpus).longValue();
    }
}
