package io.finetune.serving.rest;

import static io.finetune.serving.support.Predictions.SETOSA;
import static io.finetune.serving.support.Predictions.VERSICOLOR;
import static io.finetune.serving.support.Predictions.awaitServed;
import static io.finetune.serving.support.Predictions.predict;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.finetune.serving.support.TestModels;
import io.finetune.serving.support.TestTopic;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST contract of docs/models.md on a real trained model. */
@QuarkusTest
@QuarkusTestResource(value = TestTopic.class, restrictToAnnotatedClass = false)
class PredictionResourceTest {

    @Inject
    TestModels models;

    private final String owner = "owner-" + UUID.randomUUID();

    @BeforeEach
    void oneVersion() throws Exception {
        TestModels.Trained model = models.trained(1);
        models.publish(owner, "iris", 1, models.upload(model), model.schema());
        awaitServed(owner, "iris", null);
    }

    @Test
    void predictsABatchAndNamesTheVersionThatAnswered() {
        predict(owner, "iris", "latest", List.of(SETOSA, VERSICOLOR)).then().statusCode(200)
                .body("model", equalTo("iris"))
                .body("version", equalTo(1))
                .body("predictions", hasSize(2))
                .body("predictions[0].label", equalTo("setosa"))
                .body("predictions[1].label", equalTo("versicolor"))
                .body("predictions[0].probabilities.keySet()", containsInAnyOrder("setosa", "versicolor", "virginica"))
                .body("predictions[0].probabilities.values().sum()", closeTo(1.0, 1e-4));
        predict(owner, "iris", "1", List.of(SETOSA)).then().statusCode(200).body("version", equalTo(1));
    }

    @Test
    void eachBadFieldIsNamedInA422() {
        Map<String, Object> missing = new HashMap<>(SETOSA);
        missing.remove("x2");
        Map<String, Object> wrongType = new HashMap<>(SETOSA);
        wrongType.put("x3", "a lot");
        predict(owner, "iris", null, List.of(SETOSA, missing, wrongType)).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("inputs[1].x2", "inputs[2].x3"));

        predict(owner, "iris", null, List.of()).then().statusCode(422).body("errors.field", equalTo(List.of("inputs")));
        predict(owner, "iris", null, Collections.nCopies(65, SETOSA)).then().statusCode(422)
                .body("errors.field", equalTo(List.of("inputs")));
        predict(owner, "iris", null, Collections.nCopies(64, SETOSA)).then().statusCode(200).body("predictions", hasSize(64));
        given().header("X-Owner", owner).contentType(ContentType.JSON).body("{}").post("/models/iris/predict")
                .then().statusCode(422).body("errors.field", hasItem("inputs"));
        given().header("X-Owner", owner).contentType(ContentType.JSON).body("{\"inputs\": [7]}").post("/models/iris/predict")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anotherOwnersModelAndUnknownVersionsAre404() {
        predict("someone-else-" + UUID.randomUUID(), "iris", null, List.of(SETOSA)).then().statusCode(404)
                .contentType("application/problem+json");
        predict(owner, "no-such-model", null, List.of(SETOSA)).then().statusCode(404);
        predict(owner, "iris", "2", List.of(SETOSA)).then().statusCode(404);
        predict(owner, "iris", "newest", List.of(SETOSA)).then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("inputs", List.of(SETOSA))).post("/models/iris/predict")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void aVersionNotInMemoryIsAnswered503WithRetryAfterWhileItLoads() throws Exception {
        TestModels.Trained next = models.trained(2);
        models.publish(owner, "iris", 2, models.upload(next), next.schema());
        await().atMost(Duration.ofSeconds(60)).until(() ->
                predict(owner, "iris", "latest", List.of(SETOSA)).then().statusCode(200).extract().<Integer>path("version") == 2);
        // version 1 was unloaded by the swap: asking for it loads it again
        predict(owner, "iris", "1", List.of(SETOSA)).then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", equalTo("2"));
        awaitServed(owner, "iris", "1").then().body("version", equalTo(1));
    }

    @Test
    void aTextModelNamesATooLongOrMissingText() throws Exception {
        TestModels.Trained model = models.trainedText();
        models.publish(owner, "reviews", 1, models.upload(model), model.schema());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                predict(owner, "reviews", null, List.of(Map.of("text", "the delivery was excellent"))).statusCode() == 200);
        predict(owner, "reviews", null, List.of(Map.of("text", "the screen was excellent"), Map.of("text", "the battery was awful")))
                .then().statusCode(200).body("predictions.label", equalTo(List.of("positive", "negative")));
        predict(owner, "reviews", null, List.of(Map.of("text", "x".repeat(201)), Map.of("text", 42), Map.of("title", "hello")))
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("inputs[0].text", "inputs[1].text", "inputs[2].text"));
    }

    @Test
    void metricsShowColdLoadTimes() {
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("serving_model_load_seconds_count{outcome=\"loaded\""))
                .body(org.hamcrest.Matchers.containsString("serving_models_loaded"));
    }
}
