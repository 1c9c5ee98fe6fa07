package io.finetune.progress.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.progress.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /admin/overview over every owner; a lane of its own makes this test's lane entry exact. */
@QuarkusTest
class AdminOverviewTest {

    @Inject
    JobProjection projection;

    @Test
    void showsStatesLanesPriorityClassesAndRecentFailures() {
        String lane = "lane-" + UUID.randomUUID();
        Instant now = Instant.now();
        TestEvents oldest = TestEvents.forNewJob("user-" + UUID.randomUUID(), "a", lane, now.minusSeconds(600));
        TestEvents newer = TestEvents.forNewJob("user-" + UUID.randomUUID(), "b", lane, now.minusSeconds(60));
        TestEvents running = TestEvents.forNewJob("user-" + UUID.randomUUID(), "c", lane, now.minusSeconds(300));
        TestEvents failed = TestEvents.forNewJob("user-" + UUID.randomUUID(), "d", lane, now.minusSeconds(100));
        projection.apply(oldest.job(1, JobStatus.QUEUED, 0, null));
        projection.apply(newer.job(1, JobStatus.QUEUED, 0, null));
        projection.apply(running.job(1, JobStatus.QUEUED, 0, null));
        projection.apply(running.job(2, JobStatus.RUNNING, 10, null));
        projection.apply(failed.job(1, JobStatus.QUEUED, 0, null));
        projection.apply(failed.job(2, JobStatus.RUNNING, 1, null));
        projection.apply(failed.failed(1, 1, 50, TrainingEvent.OUT_OF_MEMORY));
        projection.apply(failed.job(3, JobStatus.FAILED, 51, "out of memory"));

        String entry = "lanes.find { it.lane == '" + lane + "' }";
        // the shared test database holds other runs' jobs of the same class: at least these
        String byClass = "priorityClasses.find { it.priorityClass == '" + oldest.job(1, JobStatus.QUEUED, 0, null)
                .priorityClass() + "' }";
        given().get("/admin/overview").then().statusCode(200)
                .body(entry + ".queued", equalTo(2), entry + ".running", equalTo(1),
                        entry + ".oldestQueuedAt", equalTo(oldest.at(0).toString()),
                        entry + ".oldestWaitSeconds", greaterThanOrEqualTo(600.0f),
                        "jobsByState.queued", greaterThanOrEqualTo(2),
                        byClass + ".queued", greaterThanOrEqualTo(2), byClass + ".running", greaterThanOrEqualTo(1),
                        byClass + ".oldestWaitSeconds", greaterThanOrEqualTo(600.0f),
                        "failuresLast24h.'out-of-memory'", greaterThanOrEqualTo(1),
                        "failuresByHour.size()", greaterThanOrEqualTo(1));
    }
}
