package io.finetune.gateway.service;

import jakarta.ws.rs.core.EntityTag;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Entity tags of response bodies. A list is a view of progress-service that the gateway does not
 * keep, so its tag is a digest of the body: equal bodies, equal tags, on every gateway instance.
 */
public final class ETags {

    private ETags() {
    }

    public static EntityTag of(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            // 128 bits are plenty to tell versions of one user's list apart.
            return new EntityTag(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
