package io.finetune.serving.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the start-up replay of {@code models.events} is done: before that, a model trained
 * last week would be answered 404, so the instance takes no traffic.
 */
@Readiness
@ApplicationScoped
public class ReplayReadiness implements HealthCheck {

    private final ReplayTracker replay;

    public ReplayReadiness(ReplayTracker replay) {
        this.replay = replay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("models-events-replay").status(replay.caughtUp()).build();
    }
}
