package io.finetune.dataset.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.dataset.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code finetune_datasets_total{result}} (docs/metrics.md) as Prometheus scrapes it from {@code /q/metrics}. */
@QuarkusTest
class DatasetMetricsTest {

    private static final List<String> RESULTS = List.of("validated", "rejected", "error");
    private static final Pattern SERIES = Pattern.compile("(?m)^finetune_datasets_total\\{([^}]*)} (\\S+)$");

    private static byte[] csv(int rows) {
        StringBuilder csv = new StringBuilder("pressure,label\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(".5,").append(i % 2 == 0 ? "ok" : "fail").append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The counter's value per {@code result}, from a scrape. */
    private static Map<String, Double> scrape() {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> values = new HashMap<>();
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            for (String result : RESULTS) {
                if (m.group(1).contains("result=\"" + result + "\"")) {
                    values.put(result, Double.parseDouble(m.group(2)));
                }
            }
        }
        return values;
    }

    @Test
    void everyResultIsExportedAsACounter() {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        // the TYPE line names the counter with or without _total, by exposition format
        assertTrue(Pattern.compile("(?m)^# TYPE finetune_datasets(_total)? counter$").matcher(text).find(),
                "finetune_datasets_total is a counter");
        assertEquals(Set.copyOf(RESULTS), scrape().keySet(),
                "every result has a series, also before it first happens");
    }

    @Test
    void countsEachCompletedUploadByOutcome() throws Exception {
        Map<String, Double> before = scrape();

        String owner = Api.newOwner();
        Api.uploadSingle(owner, Api.newName(), csv(12)).statusCode(200).body("status", equalTo("validated"));
        Api.uploadSingle(owner, Api.newName(), "text,label\nonly,one\n".getBytes(StandardCharsets.UTF_8))
                .statusCode(200).body("status", equalTo("rejected"));
        Api.uploadSingle(owner, Api.newName(), csv(3)).statusCode(200).body("status", equalTo("rejected"));

        Map<String, Double> after = scrape();
        Function<String, Double> delta = result -> after.get(result) - before.get(result);
        assertEquals(Map.of("validated", 1.0, "rejected", 2.0, "error", 0.0),
                RESULTS.stream().collect(Collectors.toMap(r -> r, delta)));
    }
}
