package io.finetune.progress.service;

import java.time.Instant;
import java.util.UUID;

/**
 * One event in a job's history ({@code GET /jobs/{id}/events}): a scheduler transition ({@code status},
 * {@code reason}) or a trainer's lifecycle report ({@code attempt}, {@code worker}, {@code errorKind},
 * {@code message}); what an event does not state is null.
 */
public record JobEventEntry(
        UUID eventId,
        String type,
        Instant time,
        String status,
        String reason,
        Integer attempt,
        String worker,
        String errorKind,
        String message) {
}
