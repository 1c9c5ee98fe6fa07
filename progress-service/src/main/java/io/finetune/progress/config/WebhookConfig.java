package io.finetune.progress.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Webhooks under {@code progress.webhooks.*} (docs/webhooks.md). */
@ConfigMapping(prefix = "progress.webhooks")
public interface WebhookConfig {

    /**
     * Allow http and private, loopback and link-local targets. Off in production, where a webhook
     * must be https to a public address (a user must not make the platform call its internal
     * network); the local run and the tests switch it on, their receivers are on loopback.
     */
    @WithDefault("false")
    boolean allowPrivateAddresses();

    /** Webhooks one user may have. */
    @WithDefault("20")
    int maxPerOwner();

    /** How often the worker looks for due deliveries. */
    @WithDefault("1s")
    String pollEvery();

    /** Deliveries claimed (and sent in parallel) per look. */
    @WithDefault("50")
    int batchSize();

    /** How long one POST may take, connecting included. */
    @WithDefault("10s")
    Duration timeout();

    /** Attempts before a delivery is given up (failed). */
    @WithDefault("8")
    int maxAttempts();

    /** The pause after the first failed attempt; it doubles with each further failure. */
    @WithDefault("30s")
    Duration initialBackoff();

    /** The longest pause between two attempts. */
    @WithDefault("1h")
    Duration maxBackoff();
}
