package io.finetune.dataset.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.finetune.dataset.config.DatasetConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The production rules of import sources (no http, no private addresses), without a server. */
class RemoteSourcesTest {

    private final RemoteSources sources = new RemoteSources(productionConfig());

    @AfterEach
    void stop() {
        sources.stop();
    }

    /** The defaults of {@link DatasetConfig} that matter here: https and public addresses only. */
    private static DatasetConfig productionConfig() {
        Map<String, Object> values = Map.of(
                "importTimeout", Duration.ofHours(2),
                "importConnectTimeout", Duration.ofSeconds(10),
                "importReadTimeout", Duration.ofSeconds(60),
                "importAllowHttp", false,
                "importAllowPrivateAddresses", false);
        return (DatasetConfig) Proxy.newProxyInstance(DatasetConfig.class.getClassLoader(),
                new Class<?>[] {DatasetConfig.class}, (proxy, method, args) -> values.get(method.getName()));
    }

    private String urlProblem(String url) {
        return assertThrows(RemoteSources.SourceException.class, () -> sources.open(new RemoteSources.Url(url)))
                .getMessage();
    }

    @Test
    void onlyHttpsToPublicAddresses() {
        assertEquals("must be an https URL", urlProblem("http://example.com/data.csv"));
        assertEquals("must be an https URL", urlProblem("file:///etc/passwd"));
        for (String internal : new String[] {"https://127.0.0.1/data.csv", "https://10.1.2.3/data.csv",
                "https://192.168.0.10/data.csv", "https://169.254.169.254/latest/meta-data/", "https://[::1]/data.csv",
                "https://100.64.0.1/data.csv", "https://localhost/data.csv"}) {
            assertEquals("must not point at a private, loopback or link-local address", urlProblem(internal), internal);
        }
        assertEquals("must not contain credentials (user:password@); use a presigned URL or source.s3",
                urlProblem("https://user:pw@example.com/data.csv"));
        assertEquals("is not a valid URL", urlProblem("https://exa mple.com/data.csv"));
    }

    @Test
    void anotherStoresEndpointFollowsTheSameRulesAndItsSecretIsNeverPrinted() {
        RemoteSources.S3Object source = new RemoteSources.S3Object("https://169.254.169.254", null, "bucket", "key",
                "AKIAEXAMPLE", "very-secret-key", "session-token");
        RemoteSources.SourceException e = assertThrows(RemoteSources.SourceException.class, () -> sources.open(source));
        assertEquals("source.s3.endpoint", e.field());
        assertFalse(source.toString().contains("very-secret-key"));
        assertFalse(source.toString().contains("session-token"));
    }
}
