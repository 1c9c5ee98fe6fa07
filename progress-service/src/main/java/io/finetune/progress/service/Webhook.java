package io.finetune.progress.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * A registered webhook as answered to its owner.
 *
 * @param secret only in the answer that created it, and only when the platform generated it
 */
public record Webhook(UUID id, String url, Instant createdAt, @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
}
