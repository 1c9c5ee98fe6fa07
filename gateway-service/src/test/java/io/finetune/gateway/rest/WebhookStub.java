package io.finetune.gateway.rest;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers as progress-service's {@code /webhooks} does (progress-service/README.md): {@link #OWNER}
 * has one webhook, {@link #WEBHOOK}, with one delivery; every other owner's view of it is 404.
 * The last request of each method and path is kept in {@link #SEEN} ({@code x-owner}, {@code body}).
 */
public class WebhookStub extends LoopbackStub {

    static final String OWNER = "hook-owner";
    static final String WEBHOOK = "33333333-3333-3333-3333-333333333333";
    static final Map<String, Map<String, String>> SEEN = new ConcurrentHashMap<>();

    private static final String WEBHOOK_JSON = "{\"id\":\"" + WEBHOOK + "\",\"url\":\"https://hooks.example.com/x\","
            + "\"createdAt\":\"2026-11-25T12:00:00Z\"}";
    private static final String NOT_FOUND = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"Webhook not found\"}";

    @Override
    List<String> clients() {
        return List.of("progress-service");
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        Call call = read(exchange, SEEN);
        boolean mine = OWNER.equals(call.owner());
        switch (call.route()) {
            case "POST /webhooks" -> respond(exchange, 201, "application/json",
                    "{\"id\":\"" + WEBHOOK + "\",\"url\":\"https://hooks.example.com/x\",\"createdAt\":\"2026-11-25T12:00:00Z\","
                            + "\"secret\":\"whsec_generated\"}");
            case "GET /webhooks" -> respond(exchange, 200, "application/json", mine ? "[" + WEBHOOK_JSON + "]" : "[]");
            case "GET /webhooks/" + WEBHOOK -> found(exchange, mine, WEBHOOK_JSON, NOT_FOUND);
            case "DELETE /webhooks/" + WEBHOOK -> deleted(exchange, mine, NOT_FOUND);
            case "GET /webhooks/" + WEBHOOK + "/deliveries" -> found(exchange, mine, "[{\"id\":\"44444444-4444-4444-4444-444444444444\","
                    + "\"eventType\":\"job.succeeded\",\"status\":\"delivered\",\"attempts\":2,\"lastStatus\":200}]", NOT_FOUND);
            default -> respond(exchange, 404, "application/problem+json", NOT_FOUND);
        }
    }
}
