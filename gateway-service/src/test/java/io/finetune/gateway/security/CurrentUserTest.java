package io.finetune.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

class CurrentUserTest {

    @Test
    void jwtUserIsTheSubjectNotTheUsername() {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("3f1c-subject");
        claims.setClaim("upn", "alice@example.org");
        var identity = QuarkusSecurityIdentity.builder().setPrincipal(new DefaultJWTCallerPrincipal(claims)).build();

        assertEquals("3f1c-subject", new CurrentUser(identity).id());
    }

    @Test
    void headerUserIsThePrincipalName() {
        var identity = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal("alice")).build();

        assertEquals("alice", new CurrentUser(identity).id());
    }

    @Test
    void anonymousHasNoUser() {
        var identity = QuarkusSecurityIdentity.builder().setAnonymous(true).build();

        assertThrows(UnauthorizedException.class, () -> new CurrentUser(identity).id());
    }
}
