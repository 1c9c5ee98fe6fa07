package io.finetune.progress.service;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a webhook's delivery log.
 *
 * @param status {@code pending} (not sent yet, or waiting for its next attempt), {@code delivered}
 *        (a 2xx answer) or {@code failed} (every attempt spent)
 * @param lastStatus the HTTP status of the last attempt; null when it got no answer
 * @param lastError why the last attempt failed; null after a success
 */
public record WebhookDelivery(UUID id, UUID eventId, String eventType, UUID jobId, String status, int attempts,
        Instant nextAttemptAt, Integer lastStatus, String lastError, Instant deliveredAt, Instant createdAt) {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
}
