package io.finetune.progress.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The production address policy (private addresses not allowed) and the form every deployment checks. */
class WebhookTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/hook", "https://[::1]/hook", "https://10.1.2.3/hook",
            "https://192.168.0.10:8443/hook", "https://172.16.5.4/hook", "https://169.254.169.254/latest/meta-data",
            "https://0.0.0.0/hook", "https://100.64.0.1/hook", "https://[fd00::1]/hook", "https://localhost/hook"})
    void productionRefusesPrivateLoopbackAndLinkLocalTargets(String url) {
        assertEquals(Optional.of("must not point at a private, loopback or link-local address"),
                WebhookTargets.problem(url, false), url);
    }

    @Test
    void productionRequiresHttps() {
        assertEquals(Optional.of("must be an https URL"), WebhookTargets.problem("http://93.184.216.34/hook", false));
        assertEquals(Optional.empty(), WebhookTargets.problem("https://93.184.216.34/hook?x=1", false));
    }

    @Test
    void localRunsAllowLoopbackOverHttp() {
        assertEquals(Optional.empty(), WebhookTargets.problem("http://127.0.0.1:8099/hook", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a url", "ftp://example.com/hook", "file:///etc/passwd", "/relative/hook",
            "https://user:pw@example.com/hook", "https://example.com/hook#frag", "javascript:alert(1)"})
    void malformedUrlsAreRefusedWhateverThePolicy(String url) {
        assertTrue(WebhookTargets.problem(url, true).isPresent(), url);
        assertTrue(WebhookTargets.problem(url, false).isPresent(), url);
    }
}
