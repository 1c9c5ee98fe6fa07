package io.finetune.scheduler.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.support.TestClock;
import io.finetune.scheduler.support.TestData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics of docs/metrics.md as Prometheus scrapes them from {@code /q/metrics}: every series of
 * every lane from the start, and their values following a job through the real broker and database.
 */
@QuarkusTest
class SchedulerMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> LANES = List.of("interactive", "production");

    @Inject
    JobService jobs;
    @Inject
    SchedulerMetrics metrics;
    @Inject
    TestClock clock;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void everySeriesOfEveryLaneIsExportedBeforeAnyJob() {
        metrics.refresh();
        String scrape = scrape();
        for (String lane : LANES) {
            for (String state : List.of("queued", "dispatched", "running")) {
                assertThat(value(scrape, "finetune_jobs", "state", state, "lane", lane)).hasValue(0);
            }
            assertThat(value(scrape, "finetune_dispatch_lag", "lane", lane)).isPresent();
            assertThat(value(scrape, "finetune_job_oldest_running_seconds", "lane", lane)).hasValue(0);
            assertThat(value(scrape, "finetune_queue_wait_seconds_count", "lane", lane)).isPresent();
            assertThat(value(scrape, "finetune_queue_wait_seconds_sum", "lane", lane)).isPresent();
            assertThat(value(scrape, "finetune_queue_wait_seconds_bucket", "lane", lane, "le", "+Inf")).isPresent();
            assertThat(value(scrape, "finetune_jobs_started_total", "lane", lane)).isPresent();
            for (String result : List.of("succeeded", "cancelled", "timed_out")) {
                assertThat(value(scrape, "finetune_jobs_finished_total", "lane", lane, "result", result, "cause",
                        "none")).isPresent();
            }
            for (String cause : List.of("user_data", "infrastructure", "out_of_memory", "base_model", "heartbeat_lost",
                    "none")) {
                assertThat(value(scrape, "finetune_jobs_finished_total", "lane", lane, "result", "failed", "cause",
                        cause)).isPresent();
            }
        }
        assertThat(value(scrape, "finetune_slots", "lane", "interactive")).hasValue(1);
        assertThat(value(scrape, "finetune_slots", "lane", "production")).hasValue(2);
    }

    @Test
    void valuesFollowJobsThroughQueueDispatchStartAndFailure() {
        String before = scrape();
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        // the interactive lane has one slot: one job is dispatched, the other stays queued
        UUID first = jobs.submit(owner, new NewJob("m1", datasetId, null, 1, null, "interactive", null)).id();
        UUID second = jobs.submit(owner, new NewJob("m2", datasetId, null, 1, null, "interactive", null)).id();
        TestData.publishDataset(TestData.validated(datasetId, owner, 10));
        await().atMost(WAIT).until(() -> List.of(TestData.job(first).status, TestData.job(second).status)
                .containsAll(List.of(JobStatus.DISPATCHED, JobStatus.QUEUED)));
        Job running = TestData.job(first).status == JobStatus.DISPATCHED ? TestData.job(first) : TestData.job(second);

        awaitValue("finetune_jobs", v -> v == 1, "state", "queued", "lane", "interactive");
        awaitValue("finetune_jobs", v -> v == 1, "state", "dispatched", "lane", "interactive");
        awaitValue("finetune_queue_wait_seconds_count", v -> v == count(before, "finetune_queue_wait_seconds_count",
                "lane", "interactive") + 1, "lane", "interactive");
        // nothing consumes the test dispatch topics: the release is lag of the trainers' group
        awaitValue("finetune_dispatch_lag", v -> v >= count(before, "finetune_dispatch_lag", "lane", "interactive") + 1,
                "lane", "interactive");

        TestData.publishTraining(TestData.training(TrainingEvent.STARTED, running, running.attempt, 1, null));
        awaitValue("finetune_jobs_started_total", v -> v == count(before, "finetune_jobs_started_total", "lane",
                "interactive") + 1, "lane", "interactive");
        awaitValue("finetune_jobs", v -> v == 1, "state", "running", "lane", "interactive");
        clock.advance(Duration.ofMinutes(2));
        awaitValue("finetune_job_oldest_running_seconds", v -> v >= 120, "lane", "interactive");

        TestData.publishTraining(TestData.training(TrainingEvent.FAILED, running, running.attempt, 2, "CUDA OOM",
                TrainingEvent.OUT_OF_MEMORY));
        awaitValue("finetune_jobs_finished_total", v -> v == count(before, "finetune_jobs_finished_total", "lane",
                "interactive", "result", "failed", "cause", "out_of_memory") + 1,
                "lane", "interactive", "result", "failed", "cause", "out_of_memory");
        // the freed slot goes to the queued job: a second queue wait, and nothing queued any more
        awaitValue("finetune_queue_wait_seconds_count", v -> v == count(before, "finetune_queue_wait_seconds_count",
                "lane", "interactive") + 2, "lane", "interactive");
        awaitValue("finetune_jobs", v -> v == 0, "state", "queued", "lane", "interactive");
        awaitValue("finetune_job_oldest_running_seconds", v -> v == 0, "lane", "interactive");
    }

    @Test
    void failureKindsMapToTheDocumentedCauses() {
        assertThat(SchedulerMetrics.causeOf(TrainingEvent.USER_DATA)).isEqualTo("user_data");
        assertThat(SchedulerMetrics.causeOf(TrainingEvent.INFRASTRUCTURE)).isEqualTo("infrastructure");
        assertThat(SchedulerMetrics.causeOf(TrainingEvent.OUT_OF_MEMORY)).isEqualTo("out_of_memory");
        assertThat(SchedulerMetrics.causeOf(TrainingEvent.BASE_MODEL)).isEqualTo("base_model");
        assertThat(SchedulerMetrics.causeOf(null)).isEqualTo("none");
        assertThat(SchedulerMetrics.causeOf("something-new")).isEqualTo("none");
    }

    /** Refreshes the gauges and scrapes until the series' value satisfies {@code expected}. */
    private void awaitValue(String name, DoublePredicate expected, String... labels) {
        await().atMost(WAIT).untilAsserted(() -> {
            metrics.refresh();
            OptionalDouble value = value(scrape(), name, labels);
            assertThat(value).as("%s %s", name, String.join(",", labels)).isPresent();
            assertThat(expected.test(value.getAsDouble())).as("%s %s = %s", name, String.join(",", labels),
                    value.getAsDouble()).isTrue();
        });
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double count(String scrape, String name, String... labels) {
        return value(scrape, name, labels).orElseThrow();
    }

    /** The value of the series with exactly these labels (name, value pairs) in Prometheus text format. */
    private static OptionalDouble value(String scrape, String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{")) {
                int close = line.indexOf('}');
                Map<String, String> found = new HashMap<>();
                for (String pair : line.substring(name.length() + 1, close).split(",")) {
                    if (!pair.isBlank()) {
                        int eq = pair.indexOf('=');
                        found.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                    }
                }
                if (found.equals(wanted)) {
                    return OptionalDouble.of(Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]));
                }
            }
        }
        return OptionalDouble.empty();
    }
}
