package io.finetune.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * /api/v1/schedules routed to scheduler-service ({@link ScheduleStub}): the owner goes on in X-Owner,
 * bodies and statuses pass through (a bad cron's 422 names the field), another user's schedule is 404
 * on every path; and a job's {@code fresh} reaches the scheduler.
 */
@QuarkusTest
@WithTestResource(ScheduleStub.class)
class StubbedSchedulesTest {

    private static final String SCHEDULE = "/api/v1/schedules/" + ScheduleStub.SCHEDULE;

    @Test
    void createAnswers201WithLocationAndPassesTheBodyOn() {
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "daily", "cron", "0 3 * * *", "datasetPrefix", "churn-", "epochs", 2))
                .post("/api/v1/schedules")
                .then().statusCode(201)
                .header("Location", endsWith(SCHEDULE))
                .body("id", equalTo(ScheduleStub.SCHEDULE)).body("nextFireAt", equalTo("2026-11-26T03:00:00Z"));
        Map<String, String> seen = ScheduleStub.SEEN.get("POST /schedules");
        assertEquals(ScheduleStub.OWNER, seen.get("x-owner"));
        assertTrue(seen.get("body").contains("\"cron\":\"0 3 * * *\""), seen.get("body"));
    }

    @Test
    void aBadCronIs422ProblemNamingTheField() {
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "daily", "cron", "bad", "datasetPrefix", "churn-", "epochs", 2))
                .post("/api/v1/schedules")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("cron"));
        owner().contentType(ContentType.JSON).body("[1,2]").post("/api/v1/schedules")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"));
    }

    @Test
    void theOwnerReadsReplacesAndDeletesAndAnotherUserGets404() {
        owner().get("/api/v1/schedules").then().statusCode(200).body("[0].id", equalTo(ScheduleStub.SCHEDULE));
        owner().get(SCHEDULE).then().statusCode(200).body("cron", equalTo("0 3 * * *"));
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "daily", "cron", "0 4 * * *", "datasetPrefix", "churn-", "epochs", 2))
                .put(SCHEDULE).then().statusCode(200);
        assertTrue(ScheduleStub.SEEN.get("PUT /schedules/" + ScheduleStub.SCHEDULE).get("body").contains("0 4 * * *"));
        owner().delete(SCHEDULE).then().statusCode(204);

        RequestSpecification other = given().header("X-User", "user-" + UUID.randomUUID());
        other.get("/api/v1/schedules").then().statusCode(200).body("$", hasSize(0));
        given().header("X-User", "user-" + UUID.randomUUID()).get(SCHEDULE).then().statusCode(404)
                .contentType("application/problem+json");
        given().header("X-User", "user-" + UUID.randomUUID()).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "cron", "0 4 * * *", "datasetPrefix", "p", "epochs", 1))
                .put(SCHEDULE).then().statusCode(404);
        given().header("X-User", "user-" + UUID.randomUUID()).delete(SCHEDULE).then().statusCode(404);
        given().get("/api/v1/schedules").then().statusCode(401);
    }

    @Test
    void aJobsFreshFlagReachesTheScheduler() {
        owner().contentType(ContentType.JSON)
                .body(Map.of("name", "again", "datasetId", ScheduleStub.DATASET, "epochs", 2, "fresh", true))
                .post("/api/v1/jobs")
                .then().statusCode(201);
        assertTrue(ScheduleStub.SEEN.get("POST /jobs").get("body").contains("\"fresh\":true"),
                ScheduleStub.SEEN.get("POST /jobs").get("body"));
    }

    private static RequestSpecification owner() {
        return given().header("X-User", ScheduleStub.OWNER);
    }
}
