package io.finetune.common.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The shape of a webhook registration, checked by the gateway at the edge and again by
 * progress-service, which owns webhooks and also applies the address policy (docs/webhooks.md).
 */
public final class WebhookRules {

    public static final int MAX_URL_LENGTH = 2048;
    public static final int MIN_SECRET_LENGTH = 16;
    public static final int MAX_SECRET_LENGTH = 256;

    private WebhookRules() {
    }

    /** What is wrong with {@code url} as a webhook target, or empty when its form is right. */
    public static Optional<String> urlProblem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            return Optional.of("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("must name a host");
        }
        // Credentials in a URL would be shown in every list of webhooks: the secret is for that.
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not contain credentials (user:password@); the signature authenticates the platform");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment (#...)");
        }
        return Optional.empty();
    }

    /** What is wrong with a secret the user chose (null: one is generated), or empty. */
    public static Optional<String> secretProblem(String secret) {
        if (secret == null) {
            return Optional.empty();
        }
        if (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_SECRET_LENGTH) {
            return Optional.of("must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters");
        }
        if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return Optional.of("must be printable ASCII without spaces");
        }
        return Optional.empty();
    }
}
