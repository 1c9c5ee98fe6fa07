package io.finetune.progress.service;

import io.finetune.common.net.PublicAddresses;
import io.finetune.common.webhooks.WebhookRules;
import io.finetune.progress.config.WebhookConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which URLs a webhook may call. Besides the form ({@link WebhookRules}), production allows only
 * https to public addresses, so that a user cannot make the platform call its internal network;
 * {@code progress.webhooks.allow-private-addresses} lifts that for local runs and tests. Checked at
 * registration and again before every attempt (a name may since resolve elsewhere).
 */
@ApplicationScoped
public class WebhookTargets {

    private final WebhookConfig config;

    public WebhookTargets(WebhookConfig config) {
        this.config = config;
    }

    /** What is wrong with {@code url} as a webhook target here, or empty when it may be called. */
    public Optional<String> problem(String url) {
        return problem(url, config.allowPrivateAddresses());
    }

    static Optional<String> problem(String url, boolean allowPrivateAddresses) {
        Optional<String> form = WebhookRules.urlProblem(url);
        if (form.isPresent() || allowPrivateAddresses) {
            return form;
        }
        URI uri = URI.create(url);
        if (!"https".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return Optional.of("must be an https URL");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("names a host that cannot be resolved");
        }
        for (InetAddress address : addresses) {
            if (!PublicAddresses.isPublic(address)) {
                return Optional.of("must not point at a private, loopback or link-local address");
            }
        }
        return Optional.empty();
    }
}
