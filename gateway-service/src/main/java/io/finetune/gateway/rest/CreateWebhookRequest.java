package io.finetune.gateway.rest;

/**
 * {@code POST /api/v1/webhooks}: where to POST the user's job notifications.
 *
 * @param url an http(s) URL; production deployments accept only https to public addresses
 * @param secret the key the deliveries are signed with (16-256 printable ASCII characters); without
 *        it one is generated and answered once
 */
public record CreateWebhookRequest(String url, String secret) {
}
