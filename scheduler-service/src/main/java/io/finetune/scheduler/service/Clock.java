package io.finetune.scheduler.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Now, at the precision PostgreSQL stores, so an event's time equals the time read back from the row.
 * A bean, so that tests can move time forward (heartbeat loss, the run-time limit).
 */
@ApplicationScoped
public class Clock {

    public Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
