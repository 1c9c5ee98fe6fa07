package io.finetune.progress.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.problem.Problem;
import io.finetune.progress.TestEvents;
import io.finetune.progress.service.JobProjection;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The list's filters, sorts, cursor pages and counts, and the new fields. Seeded through the projection. */
@QuarkusTest
class JobQueryTest {

    @Inject
    JobProjection projection;

    private final String owner = "user-" + UUID.randomUUID();
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** alpha-1 queued, alpha-2 running, beta-1 succeeded, beta_x failed, gamma validating; queued a minute apart. */
    private List<TestEvents> seedFive() {
        List<TestEvents> jobs = new ArrayList<>();
        String[] names = {"alpha-1", "alpha-2", "beta-1", "beta_x", "gamma"};
        JobStatus[] statuses = {JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED,
                JobStatus.VALIDATING};
        for (int i = 0; i < names.length; i++) {
            TestEvents job = TestEvents.forNewJob(owner, names[i], "production", t0.plusSeconds(60L * i));
            if (statuses[i] == JobStatus.VALIDATING) {
                projection.apply(job.job(1, JobStatus.VALIDATING, 0, null));
            } else {
                projection.apply(job.job(1, JobStatus.QUEUED, 0, null));
                if (statuses[i] != JobStatus.QUEUED) {
                    projection.apply(job.job(2, statuses[i], 5, null));
                }
            }
            jobs.add(job);
        }
        return jobs;
    }

    @Test
    void filtersByStatusNamePrefixExactNameAndQueuedTime() {
        seedFive();
        names("name", "alpha").then().body("name", containsInAnyOrder("alpha-1", "alpha-2"));
        // _ and % are literal in a prefix
        names("name", "beta_").then().body("name", contains("beta_x"));
        names("nameExact", "alpha-1").then().body("name", contains("alpha-1"));
        names("nameExact", "alpha").then().body("$", empty());
        names("status", "queued,running").then().body("name", containsInAnyOrder("alpha-1", "alpha-2"));
        given().header("X-Owner", owner).queryParam("status", "succeeded").queryParam("status", "failed")
                .get("/jobs").then().statusCode(200).body("name", containsInAnyOrder("beta-1", "beta_x"));
        given().header("X-Owner", owner)
                .queryParam("queuedFrom", t0.plusSeconds(60).toString())
                .queryParam("queuedTo", t0.plusSeconds(180).toString())
                .get("/jobs").then().statusCode(200).body("name", containsInAnyOrder("alpha-2", "beta-1"));
    }

    @Test
    void sortsAndPagesWithACursorWithoutGapsOrRepeats() {
        seedFive();
        given().header("X-Owner", owner).queryParam("sort", "name").get("/jobs").then().statusCode(200)
                .body("name", contains("alpha-1", "alpha-2", "beta-1", "beta_x", "gamma"));
        given().header("X-Owner", owner).queryParam("sort", "name").queryParam("order", "desc").get("/jobs").then()
                .body("name", contains("gamma", "beta_x", "beta-1", "alpha-2", "alpha-1"));
        given().header("X-Owner", owner).queryParam("sort", "status").get("/jobs").then()
                .body("status", contains("failed", "queued", "running", "succeeded", "validating"));
        // gamma is not queued yet: it sorts by its creation time, the newest
        given().header("X-Owner", owner).queryParam("sort", "queuedAt").queryParam("order", "asc").get("/jobs").then()
                .body("name", contains("alpha-1", "alpha-2", "beta-1", "beta_x", "gamma"));

        for (String sort : List.of("createdAt", "queuedAt", "name", "status")) {
            List<String> all = given().header("X-Owner", owner).queryParam("sort", sort).get("/jobs").then()
                    .extract().jsonPath().getList("id");
            List<String> paged = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Response page = given().header("X-Owner", owner).queryParam("sort", sort).queryParam("limit", 2)
                        .queryParam("cursor", cursor == null ? "" : cursor).get("/jobs");
                page.then().statusCode(200);
                paged.addAll(page.jsonPath().getList("id"));
                cursor = page.header(JobResource.NEXT_CURSOR_HEADER);
                pages++;
            } while (cursor != null);
            assertEquals(all, paged, "pages of sort " + sort);
            assertEquals(3, pages, "5 jobs in pages of 2, sort " + sort);
        }
    }

    @Test
    void aBadQueryIsAProblemNamingTheField() {
        given().header("X-Owner", owner)
                .queryParam("status", "sleeping").queryParam("limit", 0).queryParam("sort", "size")
                .queryParam("order", "up").queryParam("queuedFrom", "yesterday").queryParam("cursor", "bm90IGEgY3Vyc29y")
                .get("/jobs").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("errors.field", containsInAnyOrder("status", "limit", "sort", "order", "queuedFrom", "cursor"));
        given().header("X-Owner", owner).queryParam("limit", "many").get("/jobs").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));

        seedFive();
        String byName = given().header("X-Owner", owner).queryParam("sort", "name").queryParam("limit", 1)
                .get("/jobs").header(JobResource.NEXT_CURSOR_HEADER);
        assertNotNull(byName);
        given().header("X-Owner", owner).queryParam("sort", "queuedAt").queryParam("cursor", byName).get("/jobs").then()
                .statusCode(400).body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void countsPerStatus() {
        seedFive();
        given().header("X-Owner", owner).get("/jobs/counts").then().statusCode(200)
                .body("queued", equalTo(1), "running", equalTo(1), "succeeded", equalTo(1), "failed", equalTo(1),
                        "validating", equalTo(1), "cancelled", equalTo(0), "dispatched", equalTo(0),
                        "total", equalTo(5));
        given().header("X-Owner", "user-" + UUID.randomUUID()).get("/jobs/counts").then().statusCode(200)
                .body("total", equalTo(0));
        given().get("/jobs/counts").then().statusCode(401);
    }

    @Test
    void showsLanePriorityClassQueuePositionAndErrorKind() {
        String lane = "lane-" + UUID.randomUUID();
        List<TestEvents> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestEvents job = TestEvents.forNewJob(owner, "queued-" + i, lane, t0.plusSeconds(i));
            projection.apply(job.job(1, JobStatus.QUEUED, 0, null));
            queued.add(job);
        }
        TestEvents failed = TestEvents.forNewJob(owner, "failed", lane, t0.minusSeconds(10));
        projection.apply(failed.job(1, JobStatus.QUEUED, 0, null));
        projection.apply(failed.job(2, JobStatus.RUNNING, 1, null));
        projection.apply(failed.failed(1, 2, 5, TrainingEvent.USER_DATA));
        projection.apply(failed.job(3, JobStatus.FAILED, 6, "bad data"));

        given().header("X-Owner", owner).queryParam("sort", "queuedAt").queryParam("order", "asc").get("/jobs")
                .then().statusCode(200)
                .body("name", contains("failed", "queued-0", "queued-1", "queued-2"))
                .body("position", contains(null, 1, 2, 3))
                .body("lane", hasItems(lane))
                .body("priorityClass", hasItems("production"))
                .body("[0].errorKind", equalTo("user-data"))
                .body("[1].errorKind", nullValue());

        // the first one leaves the queue: the others move up
        projection.apply(queued.get(0).job(2, JobStatus.DISPATCHED, 30, null));
        given().header("X-Owner", owner).get("/jobs/{id}", queued.get(2).jobId()).then()
                .body("position", equalTo(2), "lane", equalTo(lane));
        assertNull(given().header("X-Owner", owner).get("/jobs/{id}", queued.get(0).jobId()).jsonPath()
                .get("position"));
    }

    private Response names(String param, String value) {
        Response response = given().header("X-Owner", owner).queryParam(param, value).get("/jobs");
        response.then().statusCode(200);
        return response;
    }
}
