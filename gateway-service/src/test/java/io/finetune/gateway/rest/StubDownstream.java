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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the owning services' HTTP APIs (docs/development.md) so that the gateway's own
 * behaviour around an answer can be checked: conditional GETs, pass-through of streams, statuses and
 * headers. Every user owns one job, {@link #JOB}, named {@code first}; another user's job is 404.
 * The headers of the last call of each path are kept in {@link #SEEN} (and {@code ?nameExact=} as {@code query-name}).
 */
public class StubDownstream implements QuarkusTestResourceLifecycleManager {

    static final String OWNER = "stub-owner";
    static final String JOB = "11111111-1111-1111-1111-111111111111";
    static final String DATASET = "22222222-2222-2222-2222-222222222222";
    /** path -> header name (lower case) -> value, of the last call. */
    static final Map<String, Map<String, String>> SEEN = new ConcurrentHashMap<>();
    /** Bumped by a test to change the list (as a finishing epoch would). */
    static volatile int epoch = 1;

    private static final Pattern JOB_PATH = Pattern.compile("/jobs/([0-9a-f-]{36})(/cancel|/stream)?");
    private static final String NOT_FOUND = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"No such job\"}";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of(
                "quarkus.rest-client.dataset-service.url", url,
                "quarkus.rest-client.scheduler-service.url", url,
                "quarkus.rest-client.progress-service.url", url);
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String query = exchange.getRequestURI().getQuery();
        if (query != null && query.startsWith("nameExact=")) {
            headers.put("query-name", query.substring("nameExact=".length()));
        }
        SEEN.put(exchange.getRequestMethod() + " " + path, headers);
        boolean owner = OWNER.equals(headers.get("x-owner"));
        Matcher job = JOB_PATH.matcher(path);
        if (path.equals("/jobs") && exchange.getRequestMethod().equals("GET")) {
            // Ignores ?nameExact= as progress-service did before it had the filter: the gateway filters.
            send(exchange, 200, "application/json", owner ? "[" + job("first") + "," + job("second") + "]" : "[]");
        } else if (path.equals("/jobs") && exchange.getRequestMethod().equals("POST")) {
            send(exchange, 201, "application/json", job("first"));
        } else if (path.equals("/datasets/" + DATASET)) {
            send(exchange, 200, "application/json", "{\"id\":\"" + DATASET + "\",\"name\":\"d\",\"status\":\"validated\"}");
        } else if (path.equals("/jobs/stream") && owner) {
            send(exchange, 200, "text/event-stream", "id: 7\nevent: job\ndata: " + job("first") + "\n\nid: 8\nevent: job\ndata: {\"id\":\"x\"}\n\n");
        } else if (job.matches() && owner && job.group(1).equals(JOB)) {
            if ("/cancel".equals(job.group(2))) {
                send(exchange, 202, "application/json", "{\"id\":\"" + JOB + "\",\"status\":\"running\"}");
            } else {
                send(exchange, 200, "application/json", job("first"));
            }
        } else {
            send(exchange, 404, "application/problem+json", NOT_FOUND);
        }
    }

    private static String job(String name) {
        String id = name.equals("first") ? JOB : "33333333-3333-3333-3333-333333333333";
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"status\":\"running\",\"epoch\":" + epoch + ",\"epochs\":5}";
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
