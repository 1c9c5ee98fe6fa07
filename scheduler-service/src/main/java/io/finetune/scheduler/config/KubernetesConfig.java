package io.finetune.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduler on Kubernetes ({@code scheduler.kubernetes.*}), off by default: it then never calls
 * the Kubernetes API. On: a job past the run-time limit also has its trainer's Job deleted, and a lane
 * with a node selector has its slots capped by the GPUs its nodes offer.
 */
@ConfigMapping(prefix = "scheduler.kubernetes")
public interface KubernetesConfig {

    @WithDefault("false")
    boolean enabled();

    /** The namespace of the trainers' Jobs and pods; empty: the client's own (the scheduler's pod's). */
    Optional<String> namespace();

    /** The extended resource the lanes' trainers request. */
    @WithDefault("nvidia.com/gpu")
    String gpuResource();

    /** How often the nodes are read (read by @Scheduled). */
    @WithDefault("1m")
    String capacityTick();

    /** Lanes whose capacity is read from their nodes, by lane name. */
    Map<String, LaneNodes> lanes();

    interface LaneNodes {

        /** A label selector of the lane's GPU nodes ({@code nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB}). */
        String nodeSelector();

        /** GPUs one trainer of the lane requests. */
        @WithDefault("1")
        int gpusPerTrainer();
    }
}
