package io.finetune.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The gateway's own settings. Downstream base URLs are standard REST client settings
 * ({@code quarkus.rest-client.<service>.url}); the JWT issuer and key are smallrye-jwt's ({@code mp.jwt.verify.*}).
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    Auth auth();

    Downstream downstream();

    RateLimit rateLimit();

    Concurrency concurrency();

    interface Auth {

        /**
         * Take the user id from {@link #userHeader()} as set by an authenticating proxy. Only for a
         * gateway that nothing but that proxy can reach: anyone else could claim any identity.
         */
        @WithDefault("false")
        boolean trustUserHeader();

        @WithDefault("X-User")
        String userHeader();
    }

    interface Downstream {

        /** What a 503 tells the client to wait before retrying when an owning service is unavailable. */
        @WithDefault("5S")
        Duration retryAfter();
    }

    /** Per-user token bucket over the API: a user may burst to {@link #burst()}, then {@link #perSecond()} sustained. */
    interface RateLimit {

        @WithDefault("true")
        boolean enabled();

        /** Tokens added per second (the sustained request rate of one user). */
        @WithDefault("20")
        double perSecond();

        /** The bucket's size: requests a user may send at once after being idle. */
        @WithDefault("60")
        int burst();
    }

    /**
     * The most API requests the gateway works on at once (server-sent event streams excluded, they
     * are long-lived); more are answered 429 at once rather than queued into timeouts.
     */
    interface Concurrency {

        @WithDefault("512")
        int maxInFlight();

        /** What the 429 of the concurrency guard tells the client to wait. */
        @WithDefault("1S")
        Duration retryAfter();
    }
}
