package io.finetune.gateway.security;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

/** Bearer tokens signed with the test-only key pair in src/test/resources (the gateway trusts publicKey.pem in %test). */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.test.finetune.io";

    private TestTokens() {
    }

    public static String valid(String subject) {
        return Jwt.issuer(ISSUER).subject(subject).upn(subject + "@example.org")
                .expiresIn(Duration.ofMinutes(5))
                .sign(testKey());
    }

    public static String expired(String subject) {
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        return Jwt.issuer(ISSUER).subject(subject)
                .issuedAt(hourAgo.minus(Duration.ofMinutes(10)))
                .expiresAt(hourAgo)
                .sign(testKey());
    }

    public static String fromIssuer(String issuer, String subject) {
        return Jwt.issuer(issuer).subject(subject).expiresIn(Duration.ofMinutes(5)).sign(testKey());
    }

    public static String signedWithAnotherKey(String subject) {
        try {
            return Jwt.issuer(ISSUER).subject(subject).expiresIn(Duration.ofMinutes(5))
                    .sign(KeyUtils.generateKeyPair(2048).getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey testKey() {
        try {
            return KeyUtils.readPrivateKey("/privateKey.pem");
        } catch (Exception e) {
            throw new IllegalStateException("the test key src/test/resources/privateKey.pem is unreadable", e);
        }
    }
}
