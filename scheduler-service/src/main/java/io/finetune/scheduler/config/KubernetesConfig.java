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

    /** How often the nodes are read (read by @Scheduled). */
    @WithDefault("1m")
    String capacityTick();

    /** The GPU lanes' nodes, by lane name (application.properties names the lanes, the chart fills them in). */
    Map<String, LaneNodes> lanes();

    interface LaneNodes {

        /**
         * A label selector of the lane's GPU nodes ({@code nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB});
         * empty: the lane's capacity is not read from nodes.
         */
        Optional<String> nodeSelector();

        /** The extended resource the lane's trainers request (a MIG slice such as {@code nvidia.com/mig-3g.40gb} too). */
        @WithDefault("nvidia.com/gpu")
        String gpuResource();

        /** How many of it one trainer of the lane requests. */
        @WithDefault("1")
        int gpusPerTrainer();
    }
}
