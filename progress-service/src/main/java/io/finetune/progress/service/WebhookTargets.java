package io.finetune.progress.service;

import io.finetune.common.webhooks.WebhookRules;
import io.finetune.progress.config.WebhookConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet4Address;
import java.net.Inet6Address;
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
            if (!isPublic(address)) {
                return Optional.of("must not point at a private, loopback or link-local address");
            }
        }
        return Optional.empty();
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            // 0.0.0.0/8 "this network", 100.64.0.0/10 carrier-grade NAT, 198.18.0.0/15 benchmarking
            return first != 0 && !(first == 100 && second >= 64 && second < 128) && !(first == 198 && (second & 0xfe) == 18);
        }
        // fc00::/7 unique local addresses (IPv6's private range)
        return !(a instanceof Inet6Address) || (b[0] & 0xfe) != 0xfc;
    }
}
