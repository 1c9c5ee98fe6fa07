package io.finetune.trainer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's Prometheus metrics: {@code trainer_epochs_total}, {@code trainer_epoch_seconds},
 * {@code trainer_jobs_total{outcome}}, {@code trainer_job_seconds{outcome}} and {@code trainer_busy}
 * (1 while a job runs).
 */
@ApplicationScoped
public class TrainerMetrics {

    private final MeterRegistry registry;
    private final Counter epochs;
    private final Timer epochTime;
    private final AtomicInteger busy;

    public TrainerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.epochs = Counter.builder("trainer.epochs").description("Epochs completed").register(registry);
        this.epochTime = Timer.builder("trainer.epoch").description("Time of one epoch, validation included")
                .register(registry);
        this.busy = registry.gauge("trainer.busy", new AtomicInteger());
    }

    public void jobStarted() {
        busy.set(1);
    }

    public void epochCompleted(Duration duration) {
        epochs.increment();
        epochTime.record(duration);
    }

    /** @param outcome {@code succeeded} or {@code failed} */
    public void jobFinished(String outcome, Duration duration) {
        busy.set(0);
        Counter.builder("trainer.jobs").description("Jobs finished, by outcome").tag("outcome", outcome)
                .register(registry).increment();
        Timer.builder("trainer.job").description("Time from taking a job to its last event").tag("outcome", outcome)
                .register(registry).record(duration);
    }
}
