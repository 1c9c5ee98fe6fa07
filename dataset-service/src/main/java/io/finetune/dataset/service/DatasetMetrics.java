package io.finetune.dataset.service;

import io.finetune.dataset.entity.DatasetStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code finetune_datasets_total{result}} of docs/metrics.md: completed uploads by outcome. Every series
 * exists from start-up (at 0), so that the chart's error-rate alert has a denominator before the first upload.
 */
@Startup
@ApplicationScoped
public class DatasetMetrics {

    static final String VALIDATED = "validated";
    /** The data is wrong: the user has to fix the file. */
    static final String REJECTED = "rejected";
    /** The platform failed (store, database, broker); the sweep starts the validation again later. */
    static final String ERROR = "error";

    private final Counter validated;
    private final Counter rejected;
    private final Counter error;

    DatasetMetrics(MeterRegistry registry) {
        validated = counter(registry, VALIDATED);
        rejected = counter(registry, REJECTED);
        error = counter(registry, ERROR);
    }

    private static Counter counter(MeterRegistry registry, String result) {
        // the name stays a literal here: the chart's MetricNamesTest reads registered meters from the sources
        return Counter.builder("finetune.datasets").tag("result", result)
                .description("completed dataset uploads by outcome").register(registry);
    }

    /** A dataset got its outcome, {@code validated} or {@code rejected}, and it was announced. */
    void outcome(DatasetStatus status) {
        (status == DatasetStatus.VALIDATED ? validated : rejected).increment();
    }

    /** Validating a completed upload failed for the platform's fault. */
    void failed() {
        error.increment();
    }
}
