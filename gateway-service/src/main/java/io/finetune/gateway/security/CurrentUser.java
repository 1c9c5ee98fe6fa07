package io.finetune.gateway.security;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The user a request acts for: the id the owning services scope every query by. */
@RequestScoped
public class CurrentUser {

    private final SecurityIdentity identity;

    public CurrentUser(SecurityIdentity identity) {
        this.identity = identity;
    }

    /**
     * The JWT's {@code sub} (stable, unlike a username a token may also carry), or the name from
     * the trusted header.
     */
    public String id() {
        if (identity.isAnonymous()) {
            throw new UnauthorizedException();
        }
        return idOf(identity);
    }

    /** The user id of an authenticated identity. */
    public static String idOf(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null) {
            return jwt.getSubject();
        }
        return identity.getPrincipal().getName();
    }
}
