package io.finetune.scheduler.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.finetune.common.problem.Problem;
import io.finetune.scheduler.service.DatasetEventService;
import io.finetune.scheduler.support.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class JobResourceTest {

    @Inject
    DatasetEventService datasets;

    private static ValidatableResponse submit(String owner, Map<String, Object> body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (owner != null) {
            request.header(JobResource.OWNER_HEADER, owner);
        }
        return request.post("/jobs").then();
    }

    @Test
    void createsJobWaitingForAnUnknownDataset() {
        UUID datasetId = UUID.randomUUID();
        submit(TestData.randomOwner(), Map.of("name", "first-job_1.0", "datasetId", datasetId, "epochs", 5,
                "hyperparameters", Map.of("learningRate", 0.05)))
                .statusCode(201)
                .contentType(ContentType.JSON)
                .body("id", notNullValue())
                .body("name", equalTo("first-job_1.0"))
                .body("status", equalTo("validating"))
                .body("datasetId", equalTo(datasetId.toString()))
                .body("recipe", equalTo("tabular-classification"))
                .body("epochs", equalTo(5))
                .body("hyperparameters.learningRate", equalTo(0.05f))
                .body("hyperparameters.batchSize", equalTo(32))
                .body("createdAt", notNullValue());
    }

    @Test
    void queuesJobOnAValidatedDatasetOfTheSameOwner() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        datasets.onDatasetEvent(TestData.validated(datasetId, owner, 100));

        submit(owner, Map.of("name", "on-validated", "datasetId", datasetId, "epochs", 1))
                .statusCode(201)
                .body("status", equalTo("queued"));
    }

    @Test
    void refusesARejectedDataset() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        datasets.onDatasetEvent(TestData.rejected(datasetId, owner, "no label column"));

        submit(owner, Map.of("name", "on-rejected", "datasetId", datasetId, "epochs", 1))
                .statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors.field", contains("datasetId"));
    }

    @Test
    void refusesAnotherOwnersDataset() {
        UUID datasetId = UUID.randomUUID();
        datasets.onDatasetEvent(TestData.validated(datasetId, TestData.randomOwner(), 100));

        submit(TestData.randomOwner(), Map.of("name", "not-mine", "datasetId", datasetId, "epochs", 1))
                .statusCode(422)
                .body("errors.field", contains("datasetId"));
    }

    @Test
    void requiresTheOwnerHeader() {
        submit(null, Map.of("name", "anonymous", "datasetId", UUID.randomUUID(), "epochs", 1))
                .statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(401));
    }

    @Test
    void refusesADuplicateNameOfTheSameOwnerOnly() {
        String owner = TestData.randomOwner();
        Map<String, Object> job = Map.of("name", "twice", "datasetId", UUID.randomUUID(), "epochs", 1);
        submit(owner, job).statusCode(201);

        submit(owner, job)
                .statusCode(409)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors.field", contains("name"));
        submit(TestData.randomOwner(), job).statusCode(201);
    }

    @Test
    void reportsEveryInvalidField() {
        submit(TestData.randomOwner(), Map.of("name", "-starts-with-a-dash", "epochs", 0, "recipe", "poetry"))
                .statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors.field", containsInAnyOrder("datasetId", "epochs", "name", "recipe"));
    }

    @Test
    void checksNameLengthAndEpochRange() {
        String owner = TestData.randomOwner();
        submit(owner, Map.of("name", "n".repeat(64), "datasetId", UUID.randomUUID(), "epochs", 1001))
                .statusCode(422)
                .body("errors.field", containsInAnyOrder("epochs", "name"));
        submit(owner, Map.of("name", "n".repeat(63), "datasetId", UUID.randomUUID(), "epochs", 1000))
                .statusCode(201);
        submit(owner, Map.of("name", "", "datasetId", UUID.randomUUID(), "epochs", 1))
                .statusCode(422)
                .body("errors.field", hasItem("name"));
    }

    @Test
    void checksHyperparametersAgainstTheRecipe() {
        submit(TestData.randomOwner(), Map.of("name", "bad-hp", "datasetId", UUID.randomUUID(), "epochs", 1,
                "hyperparameters", Map.of("learningRate", -1, "momentum", 0.9, "batchSize", "big")))
                .statusCode(422)
                .body("errors.field", contains("hyperparameters.batchSize", "hyperparameters.learningRate",
                        "hyperparameters.momentum"));
    }

    @Test
    void refusesAMissingBody() {
        given().header(JobResource.OWNER_HEADER, TestData.randomOwner()).contentType(ContentType.JSON)
                .post("/jobs")
                .then()
                .statusCode(422)
                .body("errors.field", contains("body"));
    }

    @Test
    void namesTheModelAfterTheJobUnlessOneIsGiven() {
        String owner = TestData.randomOwner();
        submit(owner, Map.of("name", "churn-2026-11-25", "datasetId", UUID.randomUUID(), "epochs", 1))
                .statusCode(201)
                .body("model", equalTo("churn-2026-11-25"));
        submit(owner, Map.of("name", "churn-2026-11-26", "model", "churn", "datasetId", UUID.randomUUID(),
                "epochs", 1))
                .statusCode(201)
                .body("model", equalTo("churn"));
        submit(owner, Map.of("name", "bad-model", "model", "-churn", "datasetId", UUID.randomUUID(), "epochs", 1))
                .statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors.field", contains("model"));
        submit(owner, Map.of("name", "long-model", "model", "m".repeat(64), "datasetId", UUID.randomUUID(),
                "epochs", 1))
                .statusCode(422)
                .body("errors.field", contains("model"));
    }
}
