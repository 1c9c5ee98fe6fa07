package io.finetune.progress.service;

import io.finetune.progress.config.WebhookConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Sends due webhook deliveries: claims a batch (replicas never claim the same one), POSTs each
 * payload signed with its webhook's secret ({@link WebhookSignature}), in parallel, and records
 * the outcome: a 2xx is delivered; anything else (another status, no answer in time, a refused
 * connection, a target the address policy now refuses) is retried with exponential backoff until
 * {@code progress.webhooks.max-attempts}. Redirects are not followed: a 3xx is a failure.
 */
@ApplicationScoped
public class WebhookDispatcher {

    public static final String EVENT_HEADER = "X-Finetune-Event";
    public static final String DELIVERY_HEADER = "X-Finetune-Delivery";
    static final String USER_AGENT = "finetune-webhooks/1";

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final WebhookService webhooks;
    private final WebhookTargets targets;
    private final WebhookConfig config;
    private final MeterRegistry metrics;
    private final HttpClient http;

    public WebhookDispatcher(WebhookService webhooks, WebhookTargets targets, WebhookConfig config, MeterRegistry metrics) {
        this.webhooks = webhooks;
        this.targets = targets;
        this.config = config;
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Scheduled(every = "${progress.webhooks.poll-every}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deliverDue() {
        // Longer than an attempt can take: a replica that dies mid-send leaves the delivery to be retried after it.
        Duration lease = config.timeout().multipliedBy(2).plusSeconds(30);
        List<WebhookService.Claimed> due = webhooks.claimDue(config.batchSize(), lease);
        CompletableFuture.allOf(due.stream().map(this::attempt).toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Void> attempt(WebhookService.Claimed d) {
        Optional<String> refused = targets.problem(d.url());
        if (refused.isPresent()) {
            return CompletableFuture.runAsync(() -> record(d, null, "the URL " + refused.get()));
        }
        long now = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(d.url()))
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header(EVENT_HEADER, d.eventType())
                .header(DELIVERY_HEADER, d.id().toString())
                .header(WebhookSignature.HEADER, WebhookSignature.header(d.secret(), now, d.payload()))
                .POST(HttpRequest.BodyPublishers.ofString(d.payload()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        record(d, null, cause.getClass().getSimpleName()
                                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
                    } else if (response.statusCode() / 100 == 2) {
                        record(d, response.statusCode(), null);
                    } else {
                        record(d, response.statusCode(), "HTTP " + response.statusCode());
                    }
                    return null;
                });
    }

    private void record(WebhookService.Claimed d, Integer status, String error) {
        try {
            String outcome;
            if (error == null) {
                webhooks.delivered(d.id(), status);
                outcome = "delivered";
            } else {
                webhooks.failed(d, status, error);
                outcome = d.attempts() >= config.maxAttempts() ? "failed" : "retry";
            }
            metrics.counter("finetune.webhook.deliveries", "result", outcome).increment();
            LOG.debugf("Webhook %s, attempt %d: %s", d, d.attempts(), error == null ? "delivered" : error);
        } catch (RuntimeException e) {
            // The lease ends and the delivery is attempted again: at least once, never lost.
            LOG.warnf(e, "Could not record the attempt of %s", d);
        }
    }
}
