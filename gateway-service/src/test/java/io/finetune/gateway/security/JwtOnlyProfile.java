package io.finetune.gateway.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The production setting: the trusted user header is off, only bearer JWTs count. */
public class JwtOnlyProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gateway.auth.trust-user-header", "false");
    }
}
