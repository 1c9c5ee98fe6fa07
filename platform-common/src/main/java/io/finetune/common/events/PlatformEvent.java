package io.finetune.common.events;

import java.time.Instant;
import java.util.UUID;

/**
 * What every message on a platform topic carries, so that consumers can be idempotent:
 * a unique id (duplicates are dropped by it), a type, the time it happened, and a sequence
 * number that grows per entity (dataset or job), so a late or replayed event never overwrites
 * a newer state.
 */
public interface PlatformEvent {

    UUID eventId();

    String type();

    Instant time();

    long sequence();
}
