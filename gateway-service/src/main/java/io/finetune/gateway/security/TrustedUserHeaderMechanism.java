package io.finetune.gateway.security;

import io.finetune.gateway.config.GatewayConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identity from a user header set by an authenticating proxy in front of the gateway, when
 * {@code gateway.auth.trust-user-header} is on (local runs and tests). It is tried before the
 * bearer JWT; without the header, or with the mode off, it yields nothing and the JWT decides.
 */
@ApplicationScoped
public class TrustedUserHeaderMechanism implements HttpAuthenticationMechanism {

    /** The user id travels on as the X-Owner header and is stored by the services: no control characters. */
    private static final Pattern USER_ID = Pattern.compile("[^\\p{Cntrl}]{1,255}");

    private final GatewayConfig.Auth config;

    public TrustedUserHeaderMechanism(GatewayConfig config) {
        this.config = config.auth();
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!config.trustUserHeader()) {
            return Uni.createFrom().nullItem();
        }
        String user = context.request().getHeader(config.userHeader());
        if (user == null) {
            return Uni.createFrom().nullItem();
        }
        String id = user.strip();
        if (!USER_ID.matcher(id).matches()) {
            return Uni.createFrom().failure(new AuthenticationFailedException(
                    "The " + config.userHeader() + " header is not a valid user id"));
        }
        return identityProviderManager.authenticate(new TrustedAuthenticationRequest(id));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        // The bearer mechanism's challenge is the one to send: the header is set by the proxy, not the client.
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TrustedAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1;
    }
}
