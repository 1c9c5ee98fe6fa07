package io.finetune.gateway.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers as progress-service's {@code /webhooks} does (progress-service/README.md): {@link #OWNER}
 * has one webhook, {@link #WEBHOOK}, with one delivery; every other owner's view of it is 404.
 * The last request of each method and path is kept in {@link #SEEN} ({@code x-owner}, {@code body}).
 */
public class WebhookStub implements QuarkusTestResourceLifecycleManager {

    static final String OWNER = "hook-owner";
    static final String WEBHOOK = "33333333-3333-3333-3333-333333333333";
    static final Map<String, Map<String, String>> SEEN = new ConcurrentHashMap<>();

    private static final String WEBHOOK_JSON = "{\"id\":\"" + WEBHOOK + "\",\"url\":\"https://hooks.example.com/x\","
            + "\"createdAt\":\"2026-11-25T12:00:00Z\"}";
    private static final String NOT_FOUND = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"Webhook not found\"}";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/webhooks", this::handle);
        server.start();
        return Map.of("quarkus.rest-client.progress-service.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String owner = exchange.getRequestHeaders().getFirst("X-Owner");
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        SEEN.put(method + " " + path, Map.of("x-owner", String.valueOf(owner), "body", body));
        boolean mine = OWNER.equals(owner);
        switch (method + " " + path) {
            case "POST /webhooks" -> respond(exchange, 201, "application/json",
                    "{\"id\":\"" + WEBHOOK + "\",\"url\":\"https://hooks.example.com/x\",\"createdAt\":\"2026-11-25T12:00:00Z\","
                            + "\"secret\":\"whsec_generated\"}");
            case "GET /webhooks" -> respond(exchange, 200, "application/json", mine ? "[" + WEBHOOK_JSON + "]" : "[]");
            case "GET /webhooks/" + WEBHOOK -> found(exchange, mine, WEBHOOK_JSON);
            case "DELETE /webhooks/" + WEBHOOK -> {
                if (mine) {
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                } else {
                    respond(exchange, 404, "application/problem+json", NOT_FOUND);
                }
            }
            case "GET /webhooks/" + WEBHOOK + "/deliveries" -> found(exchange, mine, "[{\"id\":\"44444444-4444-4444-4444-444444444444\","
                    + "\"eventType\":\"job.succeeded\",\"status\":\"delivered\",\"attempts\":2,\"lastStatus\":200}]");
            default -> respond(exchange, 404, "application/problem+json", NOT_FOUND);
        }
    }

    private static void found(HttpExchange exchange, boolean mine, String json) throws IOException {
        if (mine) {
            respond(exchange, 200, "application/json", json);
        } else {
            respond(exchange, 404, "application/problem+json", NOT_FOUND);
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
