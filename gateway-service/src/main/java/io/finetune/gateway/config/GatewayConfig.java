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
}
