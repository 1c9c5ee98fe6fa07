package io.finetune.progress.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.progress.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metrics of docs/metrics.md move with the view, scraped from /q/metrics. The batch goes through
 * the projection and the observation the consumer makes (another test JVM on the shared broker may
 * consume the same topics; its metrics are its own). A lane of its own makes the series exact. The
 * models' gauges are ModelViewServiceTest's.
 */
@QuarkusTest
class ProjectionMetricsTest {

    @Inject
    JobProjection projection;

    @Inject
    ProjectionMetrics metrics;

    @Test
    void histogramsAndGaugesFollowTheView() {
        String owner = "user-" + UUID.randomUUID();
        String lane = "lane-" + UUID.randomUUID();
        Instant start = Instant.now().minusSeconds(120);
        TestEvents job = TestEvents.forNewJob(owner, "model-a", lane, start);
        double lagBefore = value("finetune_event_lag_seconds_count", "topic=\"jobs.events\"");
        double epochsBefore = value("finetune_epoch_duration_seconds_count", null);

        List<PlatformEvent> firstHalf = job.happyPath().subList(0, 4); // queued, dispatched, started, running
        metrics.observe(projection.apply(firstHalf), Instant.now());
        String laneTag = "lane=\"" + lane + "\"";
        assertEquals(1.0, value("finetune_job_queue_wait_seconds_count", laneTag));
        assertEquals(2.0, value("finetune_job_queue_wait_seconds_sum", laneTag), 1e-6, "queued at 0 s, started at 2 s");
        assertTrue(value("finetune_event_lag_seconds_count", "topic=\"jobs.events\"") >= lagBefore + 3);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                value("finetune_view_jobs", "lane=\"" + lane + "\",state=\"running\"") == 1.0);

        List<PlatformEvent> rest = job.happyPath().subList(4, 10);
        metrics.observe(projection.apply(rest), Instant.now());
        // a redelivery observes nothing again
        metrics.observe(projection.apply(job.happyPath()), Instant.now());
        assertEquals(1.0, value("finetune_job_duration_seconds_count", laneTag + ",result=\"succeeded\""));
        assertEquals(30.0, value("finetune_job_duration_seconds_sum", laneTag + ",result=\"succeeded\""), 1e-6);
        assertTrue(value("finetune_epoch_duration_seconds_count", null) >= epochsBefore + 3);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                value("finetune_view_jobs", "lane=\"" + lane + "\",state=\"running\"") == 0.0
                        && value("finetune_view_jobs", "lane=\"" + lane + "\",state=\"succeeded\"") == 1.0);
    }

    /** The value of the series with these labels (Prometheus text), or 0 when it is absent. */
    private static double value(String name, String labels) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(body);
        while (m.find()) {
            if (labels == null || (m.group(1) != null && m.group(1).contains(labels))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
