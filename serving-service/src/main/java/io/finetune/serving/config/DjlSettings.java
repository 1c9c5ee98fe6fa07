package io.finetune.serving.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Map;

/**
 * Settles DJL's process-wide settings before any model is loaded: natives from the classpath
 * (nothing is downloaded at run time) and one PyTorch thread per prediction, because the parallelism
 * of a server comes from its concurrent requests, and intra-op threads would only fight over the
 * cores. An explicit -D or JAVA_TOOL_OPTIONS setting wins.
 */
@ApplicationScoped
public class DjlSettings {

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
    }
}
