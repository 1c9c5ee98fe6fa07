package io.finetune.gateway.rest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A progress-service that accepts connections and never answers: a listening socket nobody
 * accepts on (the kernel completes the handshakes), like a service stuck in a long GC pause.
 */
public class HangingDownstream implements QuarkusTestResourceLifecycleManager {

    private ServerSocket socket;

    @Override
    public Map<String, String> start() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.rest-client.progress-service.url", "http://127.0.0.1:" + socket.getLocalPort(),
                "quarkus.rest-client.progress-service.read-timeout", "1000");
    }

    @Override
    public void stop() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
