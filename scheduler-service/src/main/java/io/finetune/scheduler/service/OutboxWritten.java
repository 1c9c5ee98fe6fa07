package io.finetune.scheduler.service;

/** Fired when a transaction wrote to the outbox; observed after the commit to wake the relay and the dispatcher. */
public record OutboxWritten() {
}
