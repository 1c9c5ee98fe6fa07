package io.finetune.gateway.rest;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers as scheduler-service's {@code /schedules} and {@code POST /jobs} do (scheduler-service/README.md),
 * with dataset-service's {@code GET /datasets/{id}} for the submission's dataset check: {@link #OWNER}
 * has one schedule, {@link #SCHEDULE}; every other owner's view of it is 404; a cron of {@code bad} is
 * a 422 on {@code cron}. The last request of each method and path is kept in {@link #SEEN}.
 */
public class ScheduleStub extends LoopbackStub {

    static final String OWNER = "schedule-owner";
    static final String SCHEDULE = "55555555-5555-5555-5555-555555555555";
    static final String DATASET = "66666666-6666-6666-6666-666666666666";
    static final Map<String, Map<String, String>> SEEN = new ConcurrentHashMap<>();

    private static final String SCHEDULE_JSON = "{\"id\":\"" + SCHEDULE + "\",\"name\":\"daily\",\"cron\":\"0 3 * * *\","
            + "\"nextFireAt\":\"2026-11-26T03:00:00Z\",\"runs\":[]}";
    private static final String NOT_FOUND = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"No schedule " + SCHEDULE + "\"}";
    private static final String BAD_CRON = "{\"type\":\"about:blank\",\"title\":\"Unprocessable Content\",\"status\":422,"
            + "\"detail\":\"The request has invalid fields\",\"errors\":[{\"field\":\"cron\",\"message\":\"not a Unix cron expression\"}]}";

    @Override
    List<String> clients() {
        return List.of("scheduler-service", "dataset-service");
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        Call call = read(exchange, SEEN);
        boolean mine = OWNER.equals(call.owner());
        switch (call.route()) {
            case "POST /schedules" -> {
                if (call.body().contains("\"bad\"")) {
                    respond(exchange, 422, "application/problem+json", BAD_CRON);
                } else {
                    respond(exchange, 201, "application/json", SCHEDULE_JSON);
                }
            }
            case "GET /schedules" -> respond(exchange, 200, "application/json", mine ? "[" + SCHEDULE_JSON + "]" : "[]");
            case "GET /schedules/" + SCHEDULE, "PUT /schedules/" + SCHEDULE -> found(exchange, mine, SCHEDULE_JSON, NOT_FOUND);
            case "DELETE /schedules/" + SCHEDULE -> deleted(exchange, mine, NOT_FOUND);
            case "GET /datasets/" + DATASET -> respond(exchange, 200, "application/json",
                    "{\"id\":\"" + DATASET + "\",\"name\":\"d\",\"status\":\"validated\"}");
            case "POST /jobs" -> respond(exchange, 201, "application/json",
                    "{\"id\":\"77777777-7777-7777-7777-777777777777\",\"name\":\"again\",\"status\":\"queued\"}");
            default -> respond(exchange, 404, "application/problem+json", NOT_FOUND);
        }
    }
}
