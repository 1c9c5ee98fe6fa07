package io.finetune.gateway.rest;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the owning services' HTTP APIs (docs/development.md) so that the gateway's own
 * behaviour around an answer can be checked: conditional GETs, pass-through of streams, statuses and
 * headers. Every user owns one job, {@link #JOB}, named {@code first}; another user's job is 404.
 * {@link #OWNER} also has one model, {@link #MODEL}, answered by a progress-service and a serving-service
 * as docs/models.md describes them. The headers of the last call of each path are kept in {@link #SEEN},
 * with each query parameter as {@code query-<name>} and the body as {@code body}. scheduler-service's
 * base-model registry holds {@link #BASE_MODEL} (versions 1 and 2, for tabular-classification), and a job
 * naming {@link #UNREGISTERED_BASE_MODEL} is refused as the scheduler refuses it.
 */
public class StubDownstream extends LoopbackStub {

    static final String OWNER = "stub-owner";
    static final String JOB = "11111111-1111-1111-1111-111111111111";
    static final String DATASET = "22222222-2222-2222-2222-222222222222";
    /** A dataset that a running job still needs: DELETE answers 409 naming the job, as dataset-service does. */
    static final String DATASET_IN_USE = "55555555-5555-5555-5555-555555555555";
    /** What POST /datasets with a {@code source} answers: an import whose large file is still validating (202). */
    static final String IMPORTED = "66666666-6666-6666-6666-666666666666";
    /** path -> header name (lower case) -> value, of the last call. */
    static final Map<String, Map<String, String>> SEEN = new ConcurrentHashMap<>();
    /** Bumped by a test to change the list (as a finishing epoch would). */
    static volatile int epoch = 1;

    static final String MODEL = "churn";
    /** A succeeded prediction job of {@link #MODEL}: its predictions can be downloaded. */
    static final String PREDICTION_JOB = "77777777-7777-7777-7777-777777777777";
    /** A model whose versions serving-service is still loading: 503 with Retry-After. */
    static final String LOADING_MODEL = "cold";
    static final String BASE_MODEL = "tabular-backbone";
    static final String UNREGISTERED_BASE_MODEL = "missing";
    /** The cursor of the second (last) job page. */
    static final String NEXT_CURSOR = "page-2";

    private static final Pattern MODEL_PATH = Pattern.compile("/models/([^/]+)(/versions/([^/]+)|/predict)?");
    private static final Pattern JOB_PATH = Pattern.compile("/jobs/([0-9a-f-]{36})(/cancel|/stream|/events)?");
    /** progress-service's history of {@link #JOB}: a scheduler transition and a trainer's report, oldest first. */
    static final String EVENTS = "[{\"eventId\":\"e1\",\"type\":\"job.queued\",\"time\":\"2026-11-25T10:00:00Z\","
            + "\"status\":\"queued\",\"reason\":null,\"attempt\":null,\"worker\":null,\"errorKind\":null,\"message\":null},"
            + "{\"eventId\":\"e2\",\"type\":\"training.failed\",\"time\":\"2026-11-25T10:05:00Z\",\"status\":null,"
            + "\"reason\":null,\"attempt\":1,\"worker\":\"trainer-0\",\"errorKind\":\"infrastructure\","
            + "\"message\":\"<img src=x onerror=alert(1)>\"}]";
    private static final String NOT_FOUND = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"No such job\"}";

    @Override
    List<String> clients() {
        return List.of("dataset-service", "scheduler-service", "progress-service", "serving-service");
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> params = new ConcurrentHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        params.forEach((k, v) -> headers.put("query-" + k, v));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        headers.put("body", body);
        SEEN.put(exchange.getRequestMethod() + " " + path, headers);
        boolean owner = OWNER.equals(headers.get("x-owner"));
        Matcher job = JOB_PATH.matcher(path);
        Matcher model = MODEL_PATH.matcher(path);
        if (path.equals("/jobs") && exchange.getRequestMethod().equals("GET")) {
            // Ignores ?nameExact= as progress-service did before it had the filter: the gateway filters.
            if (NEXT_CURSOR.equals(params.get("cursor"))) {
                respond(exchange, 200, "application/json", owner ? "[" + job("third") + "]" : "[]");
            } else {
                exchange.getResponseHeaders().set("X-Next-Cursor", NEXT_CURSOR);
                respond(exchange, 200, "application/json", owner ? "[" + job("first") + "," + job("second") + "]" : "[]");
            }
        } else if (path.equals("/models")) {
            respond(exchange, 200, "application/json", owner ? "[{\"name\":\"" + MODEL + "\",\"latestVersion\":2,"
                    + "\"validationAccuracy\":0.91,\"stale\":false,\"accuracyDropped\":true}]" : "[]");
        } else if (model.matches() && owner && (model.group(1).equals(MODEL) || model.group(1).equals(LOADING_MODEL))) {
            model(exchange, model.group(1), model.group(2), model.group(3), params.get("version"), body);
        } else if (path.equals("/base-models")) {
            respond(exchange, 200, "application/json", "[{\"name\":\"" + BASE_MODEL + "\",\"versions\":["
                    + baseModel(1) + "," + baseModel(2) + "]}]");
        } else if (path.equals("/jobs") && exchange.getRequestMethod().equals("POST")
                && body.contains("\"baseModel\":\"" + UNREGISTERED_BASE_MODEL + "\"")) {
            respond(exchange, 422, "application/problem+json", "{\"title\":\"Unprocessable Content\",\"status\":422,"
                    + "\"detail\":\"The base model cannot be used\",\"errors\":[{\"field\":\"baseModel\",\"message\":"
                    + "\"no base model named 'missing' is registered; registered: [" + BASE_MODEL + "]\"}]}");
        } else if (path.equals("/jobs") && exchange.getRequestMethod().equals("POST")) {
            respond(exchange, 201, "application/json", job("first"));
        } else if (path.equals("/datasets") && exchange.getRequestMethod().equals("POST") && body.contains("\"source\"")) {
            respond(exchange, 202, "application/json", "{\"id\":\"" + IMPORTED + "\",\"name\":\"imported\",\"status\":\"validating\"}");
        } else if (path.equals("/datasets/" + DATASET_IN_USE) && exchange.getRequestMethod().equals("DELETE") && owner) {
            respond(exchange, 409, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,"
                    + "\"detail\":\"Dataset is used by job 'first' (running)\",\"jobs\":[{\"id\":\"" + JOB
                    + "\",\"name\":\"first\",\"status\":\"running\"}]}");
        } else if (path.equals("/datasets/" + DATASET)) {
            respond(exchange, 200, "application/json", "{\"id\":\"" + DATASET + "\",\"name\":\"d\",\"status\":\"validated\"}");
        } else if (path.equals("/models/" + MODEL + "/predictions") && owner) {
            // scheduler-service's prediction job
            respond(exchange, 201, "application/json", "{\"id\":\"" + PREDICTION_JOB + "\",\"name\":\"churn-predictions-1\","
                    + "\"kind\":\"prediction\",\"model\":\"" + MODEL + "\",\"modelVersion\":2,\"status\":\"queued\"}");
        } else if (path.equals("/jobs/" + PREDICTION_JOB + "/predictions") && owner) {
            respond(exchange, 200, "application/json", "{\"jobId\":\"" + PREDICTION_JOB + "\",\"url\":\"http://store/p.csv?X-Amz-Signature=s\","
                    + "\"expiresAt\":\"2026-11-25T18:00:00Z\"}");
        } else if (path.equals("/jobs/" + JOB + "/predictions") && owner) {
            respond(exchange, 409, "application/problem+json", problem(409, "Prediction job 'first' is running"));
        } else if (path.equals("/jobs/stream") && owner) {
            respond(exchange, 200, "text/event-stream", "id: 7\nevent: job\ndata: " + job("first") + "\n\nid: 8\nevent: job\ndata: {\"id\":\"x\"}\n\n");
        } else if (job.matches() && owner && job.group(1).equals(JOB)) {
            if ("/cancel".equals(job.group(2))) {
                respond(exchange, 202, "application/json", "{\"id\":\"" + JOB + "\",\"status\":\"running\"}");
            } else if ("/events".equals(job.group(2))) {
                respond(exchange, 200, "application/json", EVENTS);
            } else {
                respond(exchange, 200, "application/json", job("first"));
            }
        } else {
            respond(exchange, 404, "application/problem+json", NOT_FOUND);
        }
    }

    /** progress-service's models view and serving-service's predictions of {@link #MODEL} (versions 1 and 2). */
    private static void model(HttpExchange exchange, String name, String what, String pathVersion, String queryVersion,
            String body) throws IOException {
        if (what == null) {
            respond(exchange, 200, "application/json", "{\"name\":\"" + name + "\",\"latestVersion\":2,\"versions\":["
                    + "{\"version\":1,\"validationAccuracy\":0.95},{\"version\":2,\"validationAccuracy\":0.91}]}");
        } else if (what.startsWith("/versions/")) {
            String version = pathVersion.equals("latest") ? "2" : pathVersion;
            if (version.equals("1") || version.equals("2")) {
                respond(exchange, 200, "application/json", "{\"name\":\"" + name + "\",\"version\":" + version
                        + ",\"card\":{\"schema\":{\"inputs\":[{\"name\":\"temperature\",\"type\":\"number\"}],"
                        + "\"labels\":[\"ok\",\"fail\"]}}}");
            } else {
                respond(exchange, 404, "application/problem+json", problem(404, "No such version"));
            }
        } else if (name.equals(LOADING_MODEL)) {
            exchange.getResponseHeaders().set("Retry-After", "3");
            respond(exchange, 503, "application/problem+json", problem(503, "version 1 is loading"));
        } else if (queryVersion != null && !queryVersion.equals("1") && !queryVersion.equals("2") && !queryVersion.equals("latest")) {
            respond(exchange, 404, "application/problem+json", problem(404, "No such version"));
        } else if (body.contains("\"hot\"")) {
            respond(exchange, 422, "application/problem+json", "{\"title\":\"Unprocessable Content\",\"status\":422,"
                    + "\"detail\":\"invalid inputs\",\"errors\":[{\"field\":\"inputs[0].temperature\",\"message\":\"must be a number\"}]}");
        } else {
            String version = queryVersion == null || queryVersion.equals("latest") ? "2" : queryVersion;
            respond(exchange, 200, "application/json", "{\"model\":\"" + name + "\",\"version\":" + version
                    + ",\"predictions\":[{\"label\":\"ok\",\"probabilities\":{\"ok\":0.9,\"fail\":0.1}}]}");
        }
    }

    private static String baseModel(int version) {
        return "{\"name\":\"" + BASE_MODEL + "\",\"version\":" + version + ",\"format\":\"torchscript\","
                + "\"recipe\":\"tabular-classification\",\"inputWidth\":4,\"outputWidth\":16,\"sha256\":\""
                + String.valueOf(version).repeat(64) + "\",\"bytes\":1024,\"description\":\"test\","
                + "\"registeredAt\":\"2026-11-25T10:00:00Z\"}";
    }

    private static String problem(int status, String detail) {
        return "{\"type\":\"about:blank\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}";
    }

    private static String job(String name) {
        String id = name.equals("first") ? JOB : name.equals("second") ? "33333333-3333-3333-3333-333333333333"
                : "44444444-4444-4444-4444-444444444444";
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"status\":\"running\",\"epoch\":" + epoch + ",\"epochs\":5}";
    }
}
