package io.finetune.progress.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelEvent;
import io.finetune.common.events.PlatformEvent;
import io.finetune.progress.TestEvents;
import io.finetune.progress.TestKafka;
import io.finetune.progress.TestModels;
import io.finetune.progress.messaging.ViewRebuilder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The models view built by the live consumer from models.events on the real broker, read through
 * REST and /q/metrics: versions ascending whatever the arrival order, the stale and accuracy-drop
 * flags, replays, the job view's model version and the gauges the alerts read.
 */
@QuarkusTest
class ModelViewServiceTest {

    private static final Duration GAUGES = Duration.ofSeconds(30);

    @Inject
    ObjectMapper json;
    @Inject
    DataSource db;
    @Inject
    ModelViewService models;
    @Inject
    ViewRebuilder rebuilder;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void versionsAscendWithTheirAccuracyWhateverTheArrivalOrder() {
        String owner = "user-" + UUID.randomUUID();
        Instant now = Instant.now();
        ModelEvent v1 = TestModels.version(owner, "churn", 1, 0.81, now.minus(2, ChronoUnit.DAYS));
        ModelEvent v2 = TestModels.version(owner, "churn", 2, 0.84, now.minus(1, ChronoUnit.DAYS));
        ModelEvent v3 = TestModels.version(owner, "churn", 3, 0.86, now.minus(1, ChronoUnit.HOURS));
        ModelEvent other = TestModels.version(owner, "alpha", 1, 0.7, now);
        publish(List.of(v3, v1, other, v2));

        given().header("X-Owner", owner).get("/models/churn").then().statusCode(200)
                .body("name", equalTo("churn"), "latestVersion", equalTo(3), "recipe", equalTo("tabular-classification"),
                        "stale", equalTo(false), "accuracyDropped", equalTo(false))
                .body("versions.version", contains(1, 2, 3))
                .body("versions.validationAccuracy", contains(0.81f, 0.84f, 0.86f))
                .body("versions.jobName", contains("churn-1", "churn-2", "churn-3"))
                .body("versions.jobId", contains(v1.jobId().toString(), v2.jobId().toString(), v3.jobId().toString()))
                .body("versions[0].registeredAt", equalTo(v1.time().toString()))
                .body("validationAccuracyMean7d", equalTo((float) ((0.81 + 0.84 + 0.86) / 3)));
        given().header("X-Owner", owner).get("/models").then().statusCode(200)
                .body("name", contains("alpha", "churn"))
                .body("[1].latestVersion", equalTo(3), "[1].validationAccuracy", equalTo(0.86f),
                        "[1].registeredAt", equalTo(v3.time().toString()));
    }

    @Test
    void flagsStaleModelsAndAccuracyDrops() {
        String owner = "user-" + UUID.randomUUID();
        Instant now = Instant.now();
        publish(List.of(
                // latest 37 hours old (stale after 36) and 0.05 below the previous one (drop > 0.02)
                TestModels.version(owner, "decaying", 1, 0.90, now.minus(10, ChronoUnit.DAYS)),
                TestModels.version(owner, "decaying", 2, 0.85, now.minus(37, ChronoUnit.HOURS)),
                // fresh, 0.01 below: within the tolerance
                TestModels.version(owner, "steady", 1, 0.90, now.minus(2, ChronoUnit.DAYS)),
                TestModels.version(owner, "steady", 2, 0.89, now.minus(1, ChronoUnit.HOURS)),
                // an older version with a better accuracy than the latest's predecessor does not count
                TestModels.version(owner, "recovered", 1, 0.95, now.minus(3, ChronoUnit.DAYS)),
                TestModels.version(owner, "recovered", 2, 0.80, now.minus(2, ChronoUnit.DAYS)),
                // latest 35 hours old: not stale yet
                TestModels.version(owner, "recovered", 3, 0.81, now.minus(35, ChronoUnit.HOURS)),
                TestModels.version(owner, "single", 1, 0.10, now.minus(1, ChronoUnit.DAYS))));

        given().header("X-Owner", owner).get("/models").then().statusCode(200)
                .body("name", contains("decaying", "recovered", "single", "steady"))
                .body("stale", contains(true, false, false, false))
                .body("accuracyDropped", contains(true, false, false, false));
        given().header("X-Owner", owner).get("/models/decaying").then().statusCode(200)
                .body("stale", equalTo(true), "accuracyDropped", equalTo(true), "latestVersion", equalTo(2))
                // the mean of the last 7 days leaves out version 1 (10 days old)
                .body("validationAccuracyMean7d", equalTo(0.85f));
    }

    @Test
    void replaysAndRedeliveriesChangeNothing() {
        String owner = "user-" + UUID.randomUUID();
        Instant now = Instant.now();
        ModelEvent v1 = TestModels.version(owner, "replayed", 1, 0.81, now.minusSeconds(60));
        ModelEvent v2 = TestModels.version(owner, "replayed", 2, 0.83, now);
        publish(List.of(v1, v2));
        ModelDetail before = models.get(owner, "replayed");

        // the same records again, and the same registrations under new ids (an outbox row sent twice)
        publish(List.of(v2, v1, TestModels.again(v1), TestModels.again(v2)));
        assertEquals(before, models.get(owner, "replayed"));

        // a rebuild from the topics alone gives the same view
        rebuilder.rebuild(Set.of(v1.jobId(), v2.jobId())).orElseThrow();
        assertEquals(before, models.get(owner, "replayed"));
        assertEquals(2, before.versions().size());
    }

    @Test
    void theJobViewShowsTheModelVersionItsSuccessRegistered() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, "churn-2026-11-25", "production", Instant.now().minusSeconds(60));
        List<PlatformEvent> events = new ArrayList<>(job.happyPath());
        publish(events);
        given().header("X-Owner", owner).get("/jobs/{id}", job.jobId()).then().statusCode(200)
                .body("model", nullValue(), "modelVersion", nullValue());

        publish(List.of(TestModels.version(owner, "churn", 4, 0.9, job.at(33), job.jobId(), job.name())));
        given().header("X-Owner", owner).get("/jobs/{id}", job.jobId()).then().statusCode(200)
                .body("model", equalTo("churn"), "modelVersion", equalTo(4));
        given().header("X-Owner", owner).get("/jobs").then().statusCode(200)
                .body("[0].model", equalTo("churn"), "[0].modelVersion", equalTo(4));
    }

    @Test
    void gaugesFollowEachModelsLatestVersion() {
        String owner = "user-" + UUID.randomUUID();
        Instant now = Instant.now();
        ModelEvent v1 = TestModels.version(owner, "gauged", 1, 0.91, now.minusSeconds(120));
        publish(List.of(v1));
        await().atMost(GAUGES).until(() -> value("finetune_model_latest_version", owner, "gauged") == 1.0);
        assertEquals(v1.time().toEpochMilli() / 1000.0,
                value("finetune_model_latest_registered_timestamp_seconds", owner, "gauged"), 1e-3);
        assertEquals(0.91, value("finetune_model_latest_validation_accuracy", owner, "gauged"), 1e-9);
        assertTrue(Double.isNaN(value("finetune_model_previous_validation_accuracy", owner, "gauged")),
                "no previous version");

        ModelEvent v2 = TestModels.version(owner, "gauged", 2, 0.87, now);
        publish(List.of(v2));
        await().atMost(GAUGES).until(() -> value("finetune_model_latest_version", owner, "gauged") == 2.0);
        assertEquals(v2.time().toEpochMilli() / 1000.0,
                value("finetune_model_latest_registered_timestamp_seconds", owner, "gauged"), 1e-3);
        assertEquals(0.87, value("finetune_model_latest_validation_accuracy", owner, "gauged"), 1e-9);
        assertEquals(0.91, value("finetune_model_previous_validation_accuracy", owner, "gauged"), 1e-9);
    }

    private void publish(List<? extends PlatformEvent> events) {
        try (TestKafka kafka = new TestKafka(bootstrapServers, json, db)) {
            kafka.publishAndAwait(events);
        }
    }

    /** The value of the model's series, NaN as exported, or 0 when the series is absent. */
    private static double value(String name, String owner, String model) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        while (m.find()) {
            if (m.group(1).contains("owner=\"" + owner + "\"") && m.group(1).contains("model=\"" + model + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
