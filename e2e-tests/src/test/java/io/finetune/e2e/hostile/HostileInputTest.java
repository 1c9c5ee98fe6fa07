package io.finetune.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.e2e.Csv;
import io.finetune.e2e.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every public endpoint of the gateway fed malformed JSON, wrong types, huge bodies, unicode edge
 * cases, path tricks and out-of-range numbers: the answer is a 4xx application/problem+json without a
 * stack trace, an exception class or a secret. Prints the table endpoint x case -> status.
 */
class HostileInputTest {

    private static final String DATASETS = "/api/v1/datasets";
    private static final String JOBS = "/api/v1/jobs";
    private static final int HUGE = 2 * 1024 * 1024;

    private static final String MODELS = "/api/v1/models";


    private static Platform platform;
    private static Api api;
    private static final List<String[]> TABLE = new ArrayList<>();
    private static final List<String> FAILURES = new ArrayList<>();

    /** What a case must get: a 4xx (the input is wrong), or anything but a 5xx (the input may be fine). */
    enum Expect { CLIENT_ERROR, NOT_SERVER_ERROR }

    record Case(String name, String contentType, byte[] body, Expect expect) {
        static Case json(String name, String body) {
            return new Case(name, "application/json", body.getBytes(StandardCharsets.UTF_8), Expect.CLIENT_ERROR);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.shared();
        api = new Api(platform.gatewayUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        printTable();
        ServiceLogs.assertNoSecrets();
    }

    @Test
    void everyEndpointAnswersHostileInputWithAProblemNeverA500() {
        String owner = "hostile-" + UUID.randomUUID();
        String dataset = api.upload(owner, "hostile-data", Csv.blobs(60, 3, 2, 1).getBytes(StandardCharsets.UTF_8))
                .path("id").asText();
        Api.Answer multipart = api.post(owner, DATASETS, Map.of("name", "hostile-multipart", "size", 100L * 1024 * 1024,
                "upload", "multipart"));
        assertEquals(201, multipart.status(), multipart.body());
        String upload = multipart.json().path("id").asText();
        Api.Answer job = api.post(owner, JOBS, Map.of("name", "hostile-job", "datasetId", dataset, "epochs", 1));
        assertEquals(201, job.status(), job.body());
        String jobId = job.json().path("id").asText();

        // bodies
        run("POST " + DATASETS, "POST", DATASETS, concat(malformedBodies("name"), createDatasetCases()));
        run("POST " + JOBS, "POST", JOBS, concat(malformedBodies("name"), submitJobCases(dataset)));
        run("POST " + DATASETS + "/{id}/parts", "POST", DATASETS + "/" + upload + "/parts",
                concat(malformedBodies("partNumbers"), partsCases()));
        run("POST " + DATASETS + "/{id}/complete", "POST", DATASETS + "/" + upload + "/complete",
                concat(malformedBodies("parts"), completeCases()));
        idempotencyKeys(dataset);
        run("POST " + MODELS + "/{name}/predict", "POST", MODELS + "/hostile-job/predict", concat(malformedBodies("inputs"), predictCases()));

        // ids and names in paths and queries
        for (String[] endpoint : List.of(
                new String[] {"GET", DATASETS + "/{id}"}, new String[] {"GET", DATASETS + "/{id}/parts"},
                new String[] {"POST", DATASETS + "/{id}/parts"}, new String[] {"POST", DATASETS + "/{id}/complete"},
                new String[] {"DELETE", DATASETS + "/{id}"}, new String[] {"GET", JOBS + "/{id}"},
                new String[] {"POST", JOBS + "/{id}/cancel"}, new String[] {"GET", JOBS + "/{id}/stream"},
                new String[] {"GET", JOBS + "/{id}/events"}, new String[] {"GET", MODELS + "/{id}"}, new String[] {"GET", MODELS + "/{id}/versions/1"},
                new String[] {"GET", MODELS + "/hostile-job/versions/{id}"}, new String[] {"POST", MODELS + "/{id}/predict"})) {
            for (var id : hostileIds().entrySet()) {
                // %2e%2e is "..": the path is normalised (RFC 3986) and may name another endpoint of the same user
                record(endpoint[0] + " " + endpoint[1], "id " + id.getKey(),
                        id.getKey().equals("%2e%2e") ? Expect.NOT_SERVER_ERROR : Expect.CLIENT_ERROR,
                        api.send(owner, endpoint[0], endpoint[1].replace("{id}", id.getValue()),
                                endpoint[0].equals("POST") ? "application/json" : null,
                                endpoint[0].equals("POST") ? "{}".getBytes(StandardCharsets.UTF_8) : null, Map.of()));
            }
        }
        for (var name : hostileQueryValues().entrySet()) {
            record("GET " + JOBS + "?name=", name.getKey(), Expect.NOT_SERVER_ERROR,
                    api.get(owner, JOBS + "?name=" + name.getValue()));
        }

        // every path of the API: no identity, a method it does not have, a hostile identity
        for (String[] endpoint : List.of(new String[] {"GET", DATASETS}, new String[] {"POST", DATASETS},
                new String[] {"GET", DATASETS + "/" + dataset}, new String[] {"GET", DATASETS + "/" + upload + "/parts"},
                new String[] {"GET", JOBS}, new String[] {"POST", JOBS}, new String[] {"GET", JOBS + "/" + jobId},
                new String[] {"POST", JOBS + "/" + jobId + "/cancel"}, new String[] {"GET", "/api/v1/recipes"},
                new String[] {"GET", MODELS}, new String[] {"GET", MODELS + "/hostile-job"},
                new String[] {"GET", MODELS + "/hostile-job/versions/latest"}, new String[] {"POST", MODELS + "/hostile-job/predict"})) {
            String label = endpoint[0] + " " + endpoint[1].replace(dataset, "{id}").replace(upload, "{id}").replace(jobId, "{id}");
            record(label, "no identity", Expect.CLIENT_ERROR, api.send(null, endpoint[0], endpoint[1], null, null, Map.of()));
            record(label, "method PATCH", Expect.CLIENT_ERROR,
                    api.send(owner, "PATCH", endpoint[1], "application/json", "{}".getBytes(StandardCharsets.UTF_8), Map.of()));
            if (endpoint[0].equals("GET")) {
                for (var user : Map.of("X-User ../../admin", "../../admin", "X-User 4 KiB", "u".repeat(4096),
                        "X-User quote", "a\"b'c;--").entrySet()) {
                    record(label, user.getKey(), Expect.NOT_SERVER_ERROR, api.get(user.getValue(), endpoint[1]));
                }
            }
        }

        assertTrue(FAILURES.isEmpty(), FAILURES.size() + " hostile requests got a wrong answer:\n" + String.join("\n", FAILURES));
    }

    private static void run(String endpoint, String method, String path, List<Case> cases) {
        String user = "hostile-" + UUID.randomUUID();
        for (Case c : cases) {
            record(endpoint, c.name(), c.expect(), api.send(user, method, path, c.contentType(), c.body(), Map.of()));
        }
    }

    private static void idempotencyKeys(String dataset) {
        String user = "hostile-" + UUID.randomUUID();
        byte[] body = ("{\"name\":\"idem-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"datasetId\":\"" + dataset
                + "\",\"epochs\":1}").getBytes(StandardCharsets.UTF_8);
        for (var key : Map.of("Idempotency-Key 300 chars", "k".repeat(300), "Idempotency-Key spaces", "a b c",
                "Idempotency-Key empty", "").entrySet()) {
            record("POST " + JOBS, key.getKey(), Expect.CLIENT_ERROR,
                    api.send(user, "POST", JOBS, "application/json", body, Map.of("Idempotency-Key", key.getValue())));
        }
    }

    private static void record(String endpoint, String caseName, Expect expect, Api.Answer answer) {
        int status = answer.status();
        boolean ok = switch (expect) {
            case CLIENT_ERROR -> status >= 400 && status < 500 && answer.isProblem();
            case NOT_SERVER_ERROR -> status > 0 && status < 500 && (status < 400 || answer.isProblem());
        };
        String leak = answer.leak();
        ok &= leak == null;
        TABLE.add(new String[] {endpoint, caseName, status == Api.TIMED_OUT ? "timeout" : Integer.toString(status),
                ok ? "held" : "FAILED"});
        if (!ok) {
            FAILURES.add(endpoint + " [" + caseName + "] -> " + status + " " + answer.contentType()
                    + (leak != null ? " leaks '" + leak + "'" : "") + ": " + abbreviate(answer.body()));
        }
    }

    /** Finding F1, fixed: an unreadable body's problem said which Java type it could not build. */
    @Test
    void badRequestProblemsNameNoInternalClass() {
        Api.Answer a = api.send("f1-" + UUID.randomUUID(), "POST", DATASETS, "application/json",
                "[]".getBytes(StandardCharsets.UTF_8), Map.of());
        assertEquals(400, a.status());
        assertEquals(null, a.leak(), a.body());
    }

    @Test
    void wrongJsonTypesAreRefused() {
        String user = "f2-" + UUID.randomUUID();
        for (String body : List.of("{\"name\":123}", "{\"name\":true}", "{\"name\":\"ok\",\"size\":1.5}", "{\"name\":\"ok2\"}}}")) {
            Api.Answer a = api.send(user, "POST", DATASETS, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
            assertTrue(a.status() >= 400 && a.status() < 500, body + " -> " + a.status() + " " + a.body());
        }
    }

    @Test
    void nulInTheNameQueryIsAClientError() {
        Api.Answer a = api.get("f3-" + UUID.randomUUID(), JOBS + "?name=%00");
        assertTrue(a.status() < 500, a.status() + " " + a.body());
    }

    private static List<Case> malformedBodies(String field) {
        List<Case> cases = new ArrayList<>();
        cases.add(Case.json("truncated JSON", "{\"" + field + "\":"));
        cases.add(Case.json("not JSON", field + "=x&y=z"));
        cases.add(Case.json("trailing garbage", "{\"" + field + "\":1}}}"));
        cases.add(Case.json("JSON array", "[]"));
        cases.add(Case.json("JSON null", "null"));
        cases.add(Case.json("JSON string", "\"x\""));
        cases.add(Case.json("number 1e999", "1e999"));
        cases.add(Case.json("nested 100k deep", "[".repeat(100_000)));
        cases.add(Case.json("empty body", ""));
        cases.add(new Case("raw NUL byte", "application/json",
                ("{\"" + field + "\":\"a\u0000b\"}").getBytes(StandardCharsets.UTF_8), Expect.CLIENT_ERROR));
        cases.add(new Case("invalid UTF-8", "application/json",
                new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'}, Expect.CLIENT_ERROR));
        cases.add(Case.json("huge body 2 MiB string", "{\"" + field + "\":\"" + "a".repeat(HUGE) + "\"}"));
        StringBuilder keys = new StringBuilder("{");
        for (int i = 0; keys.length() < HUGE; i++) {
            keys.append("\"k").append(i).append("\":").append(i).append(',');
        }
        cases.add(Case.json("huge body 2 MiB of keys", keys.append("\"" + field + "\":null}").toString()));
        cases.add(new Case("text/plain", "text/plain", "{}".getBytes(StandardCharsets.UTF_8), Expect.CLIENT_ERROR));
        cases.add(new Case("no content type", null, "{}".getBytes(StandardCharsets.UTF_8), Expect.CLIENT_ERROR));
        cases.add(new Case("XML", "application/xml", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"
                .getBytes(StandardCharsets.UTF_8), Expect.CLIENT_ERROR));
        return cases;
    }

    /** Name values every name pattern must refuse: unicode edge cases and path tricks. */
    private static Map<String, String> hostileNames() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("NUL", "\"a\\u0000b\"");
        names.put("RTL override", "\"abc\\u202Egpj.exe\"");
        names.put("emoji", "\"\uD83D\uDE00\"");
        names.put("lone surrogate", "\"a\\uD800b\"");
        names.put("zero-width", "\"a\\u200Bb\"");
        names.put("newline", "\"a\\nb\"");
        names.put("../", "\"../../etc/passwd\"");
        names.put("%2e%2e", "\"%2e%2e%2fetc\"");
        names.put("backslashes", "\"..\\\\..\\\\win.ini\"");
        names.put("10k chars", "\"" + "a".repeat(10_000) + "\"");
        names.put("number", "123");
        names.put("object", "{}");
        names.put("array", "[\"a\"]");
        names.put("boolean", "true");
        names.put("null", "null");
        return names;
    }

    private static List<Case> createDatasetCases() {
        List<Case> cases = new ArrayList<>();
        hostileNames().forEach((k, v) -> cases.add(Case.json("name " + k, "{\"name\":" + v + "}")));
        for (String size : List.of("-1", "0", "\"big\"", "1e400", "9223372036854775808", "99999999999999999999999", "1.5",
                "9223372036854775807")) {
            cases.add(Case.json("size " + size, "{\"name\":\"ok-name\",\"size\":" + size + "}"));
        }
        cases.add(Case.json("upload tar", "{\"name\":\"ok-name\",\"upload\":\"tar\"}"));
        cases.add(Case.json("upload 5", "{\"name\":\"ok-name\",\"upload\":5}"));
        return cases;
    }

    private static List<Case> submitJobCases(String dataset) {
        String valid = "\"datasetId\":\"" + dataset + "\",\"epochs\":1";
        List<Case> cases = new ArrayList<>();
        hostileNames().forEach((k, v) -> cases.add(Case.json("name " + k, "{\"name\":" + v + "," + valid + "}")));
        for (String id : List.of("5", "\"not-a-uuid\"", "\"../x\"", "null", "\"" + UUID.randomUUID() + "\"")) {
            cases.add(Case.json("datasetId " + id, "{\"name\":\"job-ok\",\"datasetId\":" + id + ",\"epochs\":1}"));
        }
        for (String epochs : List.of("-1", "0", "1001", "2147483648", "-9223372036854775809", "1e308", "\"ten\"", "1.5",
                "true", "[]")) {
            cases.add(Case.json("epochs " + epochs, "{\"name\":\"job-ok\",\"datasetId\":\"" + dataset + "\",\"epochs\":" + epochs + "}"));
        }
        for (String recipe : List.of("\"../../etc/passwd\"", "\"no-such-recipe\"", "5", "\"" + "r".repeat(10_000) + "\"")) {
            cases.add(Case.json("recipe " + abbreviate(recipe, 20), "{\"name\":\"job-ok\"," + valid + ",\"recipe\":" + recipe + "}"));
        }
        for (String hp : List.of("\"x\"", "[]", "{\"learningRate\":\"fast\"}", "{\"learningRate\":-1}",
                "{\"learningRate\":1e400}", "{\"batchSize\":99999999999999999999}", "{\"__proto__\":1}",
                "{\"learningRate\":{\"a\":{\"b\":1}}}")) {
            cases.add(Case.json("hyperparameters " + hp, "{\"name\":\"job-ok\"," + valid + ",\"hyperparameters\":" + hp + "}"));
        }
        return cases;
    }

    private static List<Case> partsCases() {
        List<Case> cases = new ArrayList<>();
        for (String parts : List.of("\"1\"", "[0]", "[-1]", "[1.5]", "[\"x\"]", "[1e300]", "[99999999999999999999]", "[3]",
                "[2147483648]", "null", "{}", "[]")) {
            cases.add(Case.json("partNumbers " + parts, "{\"partNumbers\":" + parts + "}"));
        }
        StringBuilder many = new StringBuilder("{\"partNumbers\":[1");
        for (int i = 2; i <= 10_000; i++) {
            many.append(',').append(i);
        }
        cases.add(Case.json("partNumbers 10000", many.append("]}").toString()));
        return cases;
    }

    private static List<Case> predictCases() {
        List<Case> cases = new ArrayList<>();
        for (String inputs : List.of("[]", "\"x\"", "[null]", "[1]", "[{\"f0\":\"x\"}]", "[{\"f0\":1e400}]",
                "[{\"f0\":{\"a\":[1]}}]", "[{\"../../etc\":1}]")) {
            cases.add(Case.json("inputs " + inputs, "{\"inputs\":" + inputs + "}"));
        }
        StringBuilder many = new StringBuilder("{\"inputs\":[{\"f0\":1}");
        for (int i = 1; i < 65; i++) {
            many.append(",{\"f0\":1}");
        }
        cases.add(Case.json("65 inputs", many.append("]}").toString()));
        return cases;
    }

    private static List<Case> completeCases() {
        List<Case> cases = new ArrayList<>();
        for (String parts : List.of("\"x\"", "[{\"partNumber\":-1,\"etag\":\"x\"}]", "[{\"partNumber\":1,\"etag\":5}]",
                "[{\"partNumber\":1e400,\"etag\":\"x\"}]", "[{\"partNumber\":99999999999,\"etag\":\"x\"}]", "[null]",
                "[{\"partNumber\":1,\"etag\":\"../../x\"}]")) {
            cases.add(Case.json("parts " + abbreviate(parts, 40), "{\"parts\":" + parts + "}"));
        }
        return cases;
    }

    /** Raw path segments where an id belongs. */
    private static Map<String, String> hostileIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("not-a-uuid", "not-a-uuid");
        ids.put("%2e%2e", "%2e%2e");
        ids.put("..%2F..%2Fjobs", "..%2F..%2Fjobs");
        ids.put("..;", "..;");
        ids.put("%00", "%00");
        ids.put("lone surrogate %ED%A0%80", "%ED%A0%80");
        ids.put("RTL %E2%80%AE", "%E2%80%AE");
        ids.put("emoji", "%F0%9F%98%80");
        ids.put("CRLF injection", "x%0D%0ASet-Cookie:%20a=b");
        ids.put("-1", "-1");
        ids.put("10^26", "99999999999999999999999999");
        ids.put("3000 chars", "a".repeat(3000));
        ids.put("unknown uuid", UUID.randomUUID().toString());
        ids.put("uuid with suffix", UUID.randomUUID() + "..%2f");
        return ids;
    }

    private static Map<String, String> hostileQueryValues() {
        Map<String, String> values = new LinkedHashMap<>(hostileIds());
        values.remove("unknown uuid");
        values.put("SQL quote", "x%27%20OR%20%271%27=%271");
        values.put("LIKE wildcard", "%25");
        return values;
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> list : lists) {
            all.addAll(list);
        }
        return all;
    }

    private static void printTable() {
        if (TABLE.isEmpty()) {
            return;
        }
        int w0 = TABLE.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        int w1 = Math.min(40, TABLE.stream().mapToInt(r -> r[1].length()).max().orElse(10));
        StringBuilder out = new StringBuilder("\n[hostile] endpoint x case -> status\n");
        String format = "%-" + w0 + "s | %-" + w1 + "s | %7s | %s%n";
        out.append(String.format(format, "endpoint", "case", "status", "result"));
        for (String[] row : TABLE) {
            out.append(String.format(format, row[0], abbreviate(row[1], w1), row[2], row[3]));
        }
        TreeSet<String> endpoints = new TreeSet<>();
        TABLE.forEach(r -> endpoints.add(r[0]));
        long held = TABLE.stream().filter(r -> r[3].equals("held")).count();
        out.append(String.format("[hostile] %d requests on %d endpoints: %d held, %d failed%n", TABLE.size(),
                endpoints.size(), held, TABLE.size() - held));
        System.out.print(out);
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 300);
    }

    private static String abbreviate(String s, int max) {
        return s == null ? "" : s.length() > max ? s.substring(0, max - 3) + "..." : s;
    }
}
