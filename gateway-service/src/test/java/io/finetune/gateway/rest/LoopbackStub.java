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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An owning service stood in for by a JDK HTTP server on loopback, so that a gateway test can
 * choose its answers: each subclass names the REST clients it replaces and answers in
 * {@link #handle}.
 */
abstract class LoopbackStub implements QuarkusTestResourceLifecycleManager {

    private HttpServer server;

    /** The gateway's REST clients (quarkus.rest-client.NAME.url) that this stub answers for. */
    abstract List<String> clients();

    abstract void handle(HttpExchange exchange) throws IOException;

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
        return clients().stream().collect(Collectors.toMap(name -> "quarkus.rest-client." + name + ".url", name -> url));
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /** A request as the owner-scoped stubs see it: {@code route} is {@code "<METHOD> <path>"}. */
    record Call(String owner, String route, String body) {
    }

    /** Reads the request and keeps its owner ({@code x-owner}) and body in {@code seen} under its route. */
    static Call read(HttpExchange exchange, Map<String, Map<String, String>> seen) throws IOException {
        String owner = exchange.getRequestHeaders().getFirst("X-Owner");
        String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.put(route, Map.of("x-owner", String.valueOf(owner), "body", body));
        return new Call(owner, route, body);
    }

    /** {@code json} with 200 to its owner, {@code notFound} (problem+json) with 404 to anyone else. */
    static void found(HttpExchange exchange, boolean mine, String json, String notFound) throws IOException {
        if (mine) {
            respond(exchange, 200, "application/json", json);
        } else {
            respond(exchange, 404, "application/problem+json", notFound);
        }
    }

    /** 204 to its owner, {@code notFound} with 404 to anyone else (a DELETE). */
    static void deleted(HttpExchange exchange, boolean mine, String notFound) throws IOException {
        if (mine) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else {
            respond(exchange, 404, "application/problem+json", notFound);
        }
    }

    static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
