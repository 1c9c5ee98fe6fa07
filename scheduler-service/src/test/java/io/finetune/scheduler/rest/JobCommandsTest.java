package io.finetune.scheduler.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.finetune.common.problem.Problem;
import io.finetune.scheduler.support.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Profiles and priority classes, the queued quota, idempotent submission and cancelling a waiting job. */
@QuarkusTest
class JobCommandsTest {

    private static RequestSpecification as(String owner) {
        return given().contentType(ContentType.JSON).header(JobResource.OWNER_HEADER, owner);
    }

    private static ValidatableResponse submit(String owner, Map<String, Object> body) {
        return as(owner).body(body).post("/jobs").then();
    }

    private static ValidatableResponse cancel(String owner, Object id) {
        return as(owner).post("/jobs/" + id + "/cancel").then();
    }

    private static Map<String, Object> job(String name) {
        // an unknown dataset: the job stays validating, so it holds no slot and stays cancellable
        return Map.of("name", name, "datasetId", UUID.randomUUID(), "epochs", 1);
    }

    @Test
    void theProfileNamesTheLaneAndGivesTheDefaultPriorityClass() {
        String owner = TestData.randomOwner();
        submit(owner, job("default")).statusCode(201)
                .body("profile", equalTo("production")).body("priorityClass", equalTo("production"));
        submit(owner, Map.of("name", "quick", "datasetId", UUID.randomUUID(), "epochs", 1, "profile", "interactive"))
                .statusCode(201)
                .body("profile", equalTo("interactive")).body("priorityClass", equalTo("interactive"));
        submit(owner, Map.of("name", "overnight", "datasetId", UUID.randomUUID(), "epochs", 1,
                "priorityClass", "batch"))
                .statusCode(201)
                .body("profile", equalTo("production")).body("priorityClass", equalTo("batch"));
    }

    @Test
    void refusesAnUnknownProfileOrPriorityClass() {
        submit(TestData.randomOwner(), Map.of("name", "bad", "datasetId", UUID.randomUUID(), "epochs", 1,
                "profile", "huge", "priorityClass", "urgent"))
                .statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors.field", hasItem("profile"))
                .body("errors.field", hasItem("priorityClass"));
    }

    @Test
    void refusesSubmissionsBeyondTheQueuedQuota() {
        String owner = TestData.randomOwner();
        String first = submit(owner, job("waiting-0")).statusCode(201).extract().path("id");
        for (int i = 1; i < 20; i++) {
            submit(owner, job("waiting-" + i)).statusCode(201);
        }
        submit(owner, job("one-too-many")).statusCode(429)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("20 jobs waiting"));
        // the quota is per owner
        submit(TestData.randomOwner(), job("someone-else")).statusCode(201);
        // a cancelled job no longer counts
        cancel(owner, first).statusCode(200);
        submit(owner, job("now-it-fits")).statusCode(201);
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameJob() {
        String owner = TestData.randomOwner();
        Map<String, Object> body = job("once");
        String id = as(owner).header(JobResource.IDEMPOTENCY_KEY_HEADER, "key-1").body(body).post("/jobs").then()
                .statusCode(201).extract().path("id");
        as(owner).header(JobResource.IDEMPOTENCY_KEY_HEADER, "key-1").body(body).post("/jobs").then()
                .statusCode(200).body("id", equalTo(id)).body("name", equalTo("once"));
        // another owner's key is another key
        as(TestData.randomOwner()).header(JobResource.IDEMPOTENCY_KEY_HEADER, "key-1").body(body).post("/jobs")
                .then().statusCode(201);
        // without a key the name decides: a duplicate
        submit(owner, body).statusCode(409);
        // the key reused for a different job is a client error
        as(owner).header(JobResource.IDEMPOTENCY_KEY_HEADER, "key-1").body(job("other")).post("/jobs").then()
                .statusCode(422).contentType(Problem.MEDIA_TYPE).body("errors.field", hasItem("Idempotency-Key"));
    }

    @Test
    void cancelsAWaitingJobAtOnceAndOnlyOnce() {
        String owner = TestData.randomOwner();
        String validating = submit(owner, job("validating")).statusCode(201).extract().path("id");
        cancel(owner, validating).statusCode(200).body("status", equalTo("cancelled"))
                .body("reason", equalTo("cancelled by the owner"));
        cancel(owner, validating).statusCode(409).contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("cancelled"));
    }

    @Test
    void cancelAnswers404ForUnknownOrForeignJobs() {
        String owner = TestData.randomOwner();
        String id = submit(owner, job("mine")).statusCode(201).extract().path("id");
        cancel(TestData.randomOwner(), id).statusCode(404).contentType(Problem.MEDIA_TYPE);
        cancel(owner, UUID.randomUUID()).statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().post("/jobs/" + id + "/cancel").then().statusCode(401);
        cancel(owner, "not-a-uuid").statusCode(404);
    }
}
