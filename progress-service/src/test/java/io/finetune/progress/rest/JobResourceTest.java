package io.finetune.progress.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.problem.Problem;
import io.finetune.progress.TestEvents;
import io.finetune.progress.service.JobProjection;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The REST contract: owner scoping, problems, list contents and order. Seeded through the projection. */
@QuarkusTest
class JobResourceTest {

    @Inject
    JobProjection projection;

    @Test
    void withoutOwnerIsUnauthorized() {
        given().get("/jobs").then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(401), "detail", containsString("X-Owner"));
        given().header("X-Owner", " ").get("/jobs/{id}", UUID.randomUUID()).then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void anotherOwnersJobIsNotFound() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        projection.apply(job.job(1, JobStatus.QUEUED, 0, null));

        given().header("X-Owner", owner).get("/jobs/{id}", job.jobId()).then().statusCode(200)
                .body("id", equalTo(job.jobId().toString()));
        given().header("X-Owner", "user-" + UUID.randomUUID()).get("/jobs/{id}", job.jobId()).then()
                .statusCode(404).contentType(Problem.MEDIA_TYPE).body("status", equalTo(404));
        given().header("X-Owner", "user-" + UUID.randomUUID()).get("/jobs").then()
                .statusCode(200).body("$", empty());
    }

    @Test
    void unknownOrMalformedIdIsNotFound() {
        String owner = "user-" + UUID.randomUUID();
        given().header("X-Owner", owner).get("/jobs/{id}", UUID.randomUUID()).then()
                .statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().header("X-Owner", owner).get("/jobs/not-a-uuid").then()
                .statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void controlCharactersInNamesAreTheCallersMistake() {
        String owner = "user-" + UUID.randomUUID();
        given().header("X-Owner", owner).queryParam("name", "a\u0000b").get("/jobs").then()
                .statusCode(400).contentType(Problem.MEDIA_TYPE).body("errors[0].field", equalTo("name"));
        given().header("X-Owner", owner).queryParam("nameExact", "\u0000").get("/jobs").then()
                .statusCode(400).contentType(Problem.MEDIA_TYPE).body("errors[0].field", equalTo("nameExact"));
        given().header("X-Owner", owner).get("/models/{name}", "a\u0000b").then()
                .statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void listsTheOwnersJobsNewestFirstWithTheLatestEpoch() {
        String owner = "user-" + UUID.randomUUID();
        Instant now = Instant.now();
        TestEvents older = TestEvents.forNewJob(owner, now.minusSeconds(120));
        TestEvents newer = TestEvents.forNewJob(owner, now.minusSeconds(60));
        TestEvents trainerOnly = TestEvents.forNewJob(owner, now);
        older.happyPath().forEach(this::apply);
        projection.apply(newer.job(1, JobStatus.QUEUED, 0, null));
        projection.apply(newer.job(2, JobStatus.DISPATCHED, 1, null));
        projection.apply(newer.job(3, JobStatus.RUNNING, 3, null));
        projection.apply(newer.epoch(3, 1, 10));
        projection.apply(trainerOnly.started(1));

        given().header("X-Owner", owner).get("/jobs").then().statusCode(200)
                .body("id", contains(newer.jobId().toString(), older.jobId().toString()))
                .body("[0].status", equalTo("running"),
                        "[0].epoch", equalTo(1),
                        "[0].epochs", equalTo(3),
                        "[0].trainLoss", equalTo(1.0f),
                        "[0].queuedAt", equalTo(newer.at(0).toString()),
                        "[0].finishedAt", nullValue(),
                        "[0].modelUri", nullValue(),
                        "[0].epochHistory", nullValue())
                .body("[1].status", equalTo("succeeded"),
                        "[1].epoch", equalTo(3),
                        "[1].finishedAt", equalTo(older.at(32).toString()),
                        "[1].modelUri", equalTo("s3://models/" + older.jobId() + "/1"));
    }

    private void apply(PlatformEvent event) {
        if (event instanceof JobEvent e) {
            projection.apply(e);
        } else {
            projection.apply((TrainingEvent) event);
        }
    }
}
