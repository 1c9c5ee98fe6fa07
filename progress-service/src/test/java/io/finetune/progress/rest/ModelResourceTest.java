package io.finetune.progress.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.finetune.common.events.ModelEvent;
import io.finetune.common.problem.Problem;
import io.finetune.progress.TestModels;
import io.finetune.progress.service.JobProjection;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The models REST contract of docs/models.md: owner scoping, versions, {@code latest}, problems. Seeded through the projection. */
@QuarkusTest
class ModelResourceTest {

    @Inject
    JobProjection projection;

    @Test
    void answersEveryVersionWithItsWholeRegistration() {
        String owner = "user-" + UUID.randomUUID();
        Instant now = Instant.now();
        ModelEvent v1 = TestModels.version(owner, "churn", 1, 0.81, now.minusSeconds(60));
        ModelEvent v2 = TestModels.version(owner, "churn", 2, 0.84, now);
        projection.apply(List.of(v2, v1));

        for (String version : List.of("2", "latest")) {
            given().header("X-Owner", owner).get("/models/churn/versions/{v}", version).then().statusCode(200)
                    .body("name", equalTo("churn"), "version", equalTo(2),
                            "registeredAt", equalTo(v2.time().toString()),
                            "jobId", equalTo(v2.jobId().toString()), "jobName", equalTo("churn-2"),
                            "datasetId", equalTo(v2.datasetId().toString()),
                            "datasetSha256", equalTo(v2.datasetSha256()),
                            "card.recipe", equalTo("tabular-classification"),
                            "card.metrics.validationAccuracy", equalTo(0.84f),
                            "card.hyperparameters.batchSize", equalTo(32),
                            "card.classes[0].label", equalTo("ok"),
                            "card.schema.inputs[0].name", equalTo("temperature"),
                            "card.schema.labels", contains("fail", "ok"),
                            "card.seed", equalTo(42),
                            "card.artifactUri", equalTo(v2.card().artifactUri()));
        }
        given().header("X-Owner", owner).get("/models/churn/versions/1").then().statusCode(200)
                .body("version", equalTo(1), "jobId", equalTo(v1.jobId().toString()));
    }

    @Test
    void anotherOwnersModelIsNotFound() {
        String owner = "user-" + UUID.randomUUID();
        String stranger = "user-" + UUID.randomUUID();
        projection.apply(List.of(TestModels.version(owner, "private", 1, 0.9, Instant.now())));

        given().header("X-Owner", owner).get("/models/private").then().statusCode(200);
        given().header("X-Owner", stranger).get("/models").then().statusCode(200).body("$", empty());
        for (String path : List.of("/models/private", "/models/private/versions/1", "/models/private/versions/latest")) {
            given().header("X-Owner", stranger).get(path).then().statusCode(404)
                    .contentType(Problem.MEDIA_TYPE).body("status", equalTo(404));
        }
    }

    @Test
    void unknownOrMalformedVersionsAreNotFound() {
        String owner = "user-" + UUID.randomUUID();
        projection.apply(List.of(TestModels.version(owner, "m", 1, 0.9, Instant.now())));

        for (String path : List.of("/models/unknown", "/models/unknown/versions/latest", "/models/m/versions/2",
                "/models/m/versions/0", "/models/m/versions/-1", "/models/m/versions/newest",
                "/models/m/versions/99999999999")) {
            given().header("X-Owner", owner).get(path).then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        }
    }

    @Test
    void withoutOwnerIsUnauthorized() {
        for (String path : List.of("/models", "/models/m", "/models/m/versions/latest")) {
            given().get(path).then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                    .body("detail", containsString("X-Owner"));
        }
    }
}
