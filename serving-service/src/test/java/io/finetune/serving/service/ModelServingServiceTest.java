package io.finetune.serving.service;

import static io.finetune.serving.support.Predictions.SETOSA;
import static io.finetune.serving.support.Predictions.awaitServed;
import static io.finetune.serving.support.Predictions.predict;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.serving.messaging.TopicInitializer;
import io.finetune.serving.support.TestModels;
import io.finetune.serving.support.TestTopic;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Versions arriving on the real topic, artifacts in the real store, predictions over HTTP: the swap
 * under load, the refusal of a broken artifact, the bound on loaded versions, a bad event set aside.
 * {@code serving.max-loaded-models} is 3 in the test profile.
 */
@QuarkusTest
@QuarkusTestResource(value = TestTopic.class, restrictToAnnotatedClass = false)
class ModelServingServiceTest {

    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    @Inject
    TestModels models;

    @Inject
    ModelServer server;

    @Inject
    MeterRegistry metrics;

    private final String owner = "owner-" + UUID.randomUUID();

    @Test
    void aNewVersionTakesOverUnderLoadWithoutAFailedRequest() throws Exception {
        TestModels.Trained v1 = models.trained(1);
        TestModels.Trained v2 = models.trained(2);
        models.publish(owner, "churn", 1, models.upload(v1), v1.schema());
        awaitServed(owner, "churn", null).then().body("version", equalTo(1));

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/models/churn/predict"))
                .header("X-Owner", owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"x1\":0.1,\"x2\":-0.2,\"x3\":1000.0}]}")).build();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<List<int[]>>> answers = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            answers.add(clients.submit(() -> {
                List<int[]> seen = new ArrayList<>(); // status, version
                while (!stop.get()) {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    Matcher version = VERSION.matcher(response.body());
                    seen.add(new int[] {response.statusCode(), version.find() ? Integer.parseInt(version.group(1)) : -1});
                }
                return seen;
            }));
        }
        Thread.sleep(500);
        models.publish(owner, "churn", 2, models.upload(v2), v2.schema());
        // until every client has seen version 2 answer, then a little longer on it
        await().atMost(Duration.ofSeconds(60)).until(() -> server.loadedVersions().stream()
                .anyMatch(v -> v.owner().equals(owner) && v.version() == 2));
        Thread.sleep(1000);
        stop.set(true);
        clients.shutdown();

        int requests = 0;
        for (Future<List<int[]>> answer : answers) {
            List<int[]> seen = answer.get();
            requests += seen.size();
            int previous = 1;
            for (int[] s : seen) {
                assertEquals(200, s[0], "every request during the swap is answered");
                assertTrue(s[1] >= previous, "a client never goes back to the old version once the new one answered");
                previous = s[1];
            }
            assertEquals(1, seen.get(0)[1], "the old version answered before the swap");
            assertEquals(2, seen.get(seen.size() - 1)[1], "the new version answers after it");
        }
        assertTrue(requests > 50, "the clients kept predicting through the swap: " + requests);
        // The old version is closed once its last prediction ended
        await().atMost(Duration.ofSeconds(10)).until(() -> server.loadedVersions().stream()
                .noneMatch(v -> v.owner().equals(owner) && v.version() == 1));
    }

    @Test
    void aBrokenArtifactNeverReplacesTheWorkingVersion() throws Exception {
        TestModels.Trained model = models.trained(1);
        models.publish(owner, "fraud", 1, models.upload(model), model.schema());
        awaitServed(owner, "fraud", null).then().body("version", equalTo(1));
        double failedBefore = failedLoads();

        models.publish(owner, "fraud", 2, models.uploadBroken(model, ".params"), model.schema());
        await().atMost(Duration.ofSeconds(60)).until(() -> failedLoads() > failedBefore);
        models.publish(owner, "fraud", 3, "s3://" + TestModels.BUCKET + "/serving-test/nothing-here-" + UUID.randomUUID() + "/",
                model.schema());
        await().atMost(Duration.ofSeconds(60)).until(() -> failedLoads() > failedBefore + 1);

        predict(owner, "fraud", null, List.of(SETOSA)).then().statusCode(200).body("version", equalTo(1));
        predict(owner, "fraud", "2", List.of(SETOSA)).then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", org.hamcrest.Matchers.notNullValue());
        assertTrue(server.loadedVersions().stream().anyMatch(v -> v.owner().equals(owner) && v.version() == 1));
    }

    @Test
    void atMostTheConfiguredNumberOfVersionsStayLoadedTheLeastRecentlyUsedGoes() throws Exception {
        TestModels.Trained model = models.trained(1);
        String artifact = models.upload(model);
        List<String> names = List.of("m1", "m2", "m3", "m4");
        for (String name : names) {
            models.publish(owner, name, 1, artifact, model.schema());
        }
        for (String name : names) {
            awaitServed(owner, name, null);
            assertTrue(server.loadedVersions().size() <= 3, "loaded: " + server.loadedVersions());
        }
        // m1 was used least recently when m4 came in
        await().atMost(Duration.ofSeconds(10)).until(() -> loaded("m2") && loaded("m3") && loaded("m4") && !loaded("m1"));
        assertTrue(metrics.get("serving.model.evictions").counter().count() >= 1);

        // Using m2 now makes m3 the least recently used: m1 coming back evicts m3
        predict(owner, "m2", null, List.of(SETOSA)).then().statusCode(200);
        predict(owner, "m1", null, List.of(SETOSA)).then().statusCode(503).header("Retry-After", equalTo("2"));
        awaitServed(owner, "m1", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> loaded("m1") && loaded("m2") && loaded("m4") && !loaded("m3"));
        assertTrue(server.loadedVersions().size() <= 3, "loaded: " + server.loadedVersions());
        assertTrue(metrics.get("serving.model.load").tag("outcome", "loaded").timer().count() >= 5, "cold loads are timed");
    }

    @Test
    void anUnreadableEventGoesToTheDeadLetterTopicAndTheNextOneIsServed() throws Exception {
        String key = owner + "/garbled";
        models.send(key, "{not json");
        TestModels.Trained model = models.trained(1);
        models.publish(owner, "after-garbage", 1, models.upload(model), model.schema());
        awaitServed(owner, "after-garbage", null).then().body("version", equalTo(1));

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestTopic.BOOTSTRAP,
                ConsumerConfig.GROUP_ID_CONFIG, "serving-dlq-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TopicInitializer.DEAD_LETTER_TOPIC));
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            assertEquals("{not json", found.get(0).value(), "set aside unchanged");
            assertFalse(found.get(0).headers().toArray().length == 0, "with the reason in its headers");
        }
    }

    private boolean loaded(String model) {
        return server.loadedVersions().stream().anyMatch(v -> v.owner().equals(owner) && v.model().equals(model));
    }

    private double failedLoads() {
        return metrics.get("serving.model.load").tag("outcome", "failed").timer().count();
    }
}
