package io.finetune.serving.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Prediction requests as the gateway sends them. */
public final class Predictions {

    /** Near the class centres of the recipes' blobs dataset: any trained model answers them with confidence. */
    public static final Map<String, Object> SETOSA = Map.of("x1", 0.1, "x2", -0.2, "x3", 1000.0);
    public static final Map<String, Object> VERSICOLOR = Map.of("x1", 4.1, "x2", 3.9, "x3", 995.0);

    private Predictions() {
    }

    public static Response predict(String owner, String model, String version, List<Map<String, Object>> inputs) {
        var request = given().header("X-Owner", owner).contentType(ContentType.JSON).body(Map.of("inputs", inputs));
        if (version != null) {
            request.queryParam("version", version);
        }
        return request.post("/models/{name}/predict", model);
    }

    /** Waits until the version answers (a first request starts its load and is answered 503 meanwhile). */
    public static Response awaitServed(String owner, String model, String version) {
        Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = predict(owner, model, version, List.of(SETOSA));
            return last[0].statusCode() == 200;
        });
        return last[0];
    }
}
