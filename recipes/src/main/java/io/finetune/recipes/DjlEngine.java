package io.finetune.recipes;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Settles DJL's process-wide settings before anything loads the engine, in every process that trains
 * or predicts with a recipe (trainer-worker, serving-service).
 */
@ApplicationScoped
public class DjlEngine {

    private static final Logger LOG = Logger.getLogger(DjlEngine.class);

    /**
     * Offline: the PyTorch natives come from the classpath and nothing may be downloaded at run
     * time. One intra-op and one inter-op thread: on small CPU machines more threads make epochs
     * slower and unsteady (toolchain.md), and a server's parallelism comes from its concurrent
     * requests. An explicit -D or JAVA_TOOL_OPTIONS setting wins.
     */
    static final Map<String, String> DEFAULTS = Map.of(
            "ai.djl.offline", "true",
            "ai.djl.pytorch.num_threads", "1",
            "ai.djl.pytorch.num_interop_threads", "1");

    void configure(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        DEFAULTS.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        LOG.debugf("DJL settings: %s", DEFAULTS.keySet().stream().map(k -> k + "=" + System.getProperty(k)).toList());
    }

    /** {@code gpu} or {@code cpu}: where this worker trains. Loads the engine on first use. */
    public String deviceKind() {
        return Engine.getInstance().defaultDevice().isGpu() ? "gpu" : Device.Type.CPU.toLowerCase();
    }
}
