package io.finetune.trainer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's Prometheus metrics: {@code trainer_epochs_total}, {@code trainer_epoch_seconds},
 * {@code trainer_jobs_total{outcome}}, {@code trainer_job_seconds{outcome}} and {@code trainer_busy}
 * (1 while a job runs). Every outcome's series exists from start-up (at 0), so that rate() and
 * absent() see them before the first job ends.
 */
@Startup
@ApplicationScoped
public class TrainerMetrics {

    /** How a job taken by this worker can end. */
    static final List<String> OUTCOMES = List.of("succeeded", "failed", "cancelled", "preempted");

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
        OUTCOMES.forEach(outcome -> {
            jobs(outcome);
            jobTime(outcome);
        });
    }

    public void jobStarted() {
        busy.set(1);
    }

    public void epochCompleted(Duration duration) {
        epochs.increment();
        epochTime.record(duration);
    }

    /** @param outcome one of {@link #OUTCOMES} */
    public void jobFinished(String outcome, Duration duration) {
        busy.set(0);
        jobs(outcome).increment();
        jobTime(outcome).record(duration);
    }

    // Micrometer returns the meter already registered under the same name and tags.
    private Counter jobs(String outcome) {
        return Counter.builder("trainer.jobs").description("Jobs finished, by outcome").tag("outcome", outcome)
                .register(registry);
    }

    private Timer jobTime(String outcome) {
        return Timer.builder("trainer.job").description("Time from taking a job to its last event").tag("outcome", outcome)
                .register(registry);
    }
}
