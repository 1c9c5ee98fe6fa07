package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jobs waiting on their dataset, moved on by datasets.events from the real broker. */
@QuarkusTest
class JobServiceTest {

    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void validatedDatasetQueuesItsWaitingJobs() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        try (var jobEvents = TestKafka.Tail.fromEnd(Topics.JOBS_EVENTS)) {
            JobView view = jobs.submit(owner, new NewJob("waits", datasetId, null, 2, null));
            assertThat(view.status()).isEqualTo(JobStatus.VALIDATING);

            TestData.publishDataset(TestData.validated(datasetId, owner, 50));

            // queued, then released at once: the slots are free
            await().atMost(Duration.ofSeconds(20)).until(() -> jobEvents.poll(Set.of(view.id())).size() >= 3);
            List<JobEvent> events = jobEvents.poll(Set.of(view.id())).stream()
                    .map(r -> TestKafka.read(r, JobEvent.class)).toList();
            assertThat(events).extracting(JobEvent::status)
                    .containsExactly(JobStatus.VALIDATING, JobStatus.QUEUED, JobStatus.DISPATCHED);
            assertThat(events).extracting(JobEvent::sequence).containsExactly(1L, 2L, 3L);
            assertThat(events).extracting(JobEvent::type)
                    .containsExactly("job.validating", "job.queued", "job.dispatched");
            assertThat(events.get(2).attempt()).isEqualTo(1);
            assertThat(events.get(2).hyperparameters()).containsKeys("learningRate", "batchSize");

            Job job = TestData.job(view.id());
            assertThat(job.queuedAt).isNotNull();
            assertThat(job.status).isEqualTo(JobStatus.DISPATCHED);
        }
    }

    @Test
    void rejectedDatasetFailsItsWaitingJobsWithTheProblems() {
        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        JobView view = jobs.submit(owner, new NewJob("doomed", datasetId, null, 2, null));

        TestData.publishDataset(TestData.rejected(datasetId, owner, "the label column is missing"));

        await().atMost(Duration.ofSeconds(20)).until(() -> TestData.job(view.id()).status == JobStatus.FAILED);
        Job job = TestData.job(view.id());
        assertThat(job.reason).contains("line 1", "the label column is missing");
        assertThat(job.finishedAt).isNotNull();
        assertThat(job.sequence).isEqualTo(2);
    }

    @Test
    void aDatasetOfAnotherOwnerFailsTheJob() {
        UUID datasetId = UUID.randomUUID();
        JobView view = jobs.submit(TestData.randomOwner(), new NewJob("borrowed", datasetId, null, 1, null));

        TestData.publishDataset(TestData.validated(datasetId, TestData.randomOwner(), 50));

        await().atMost(Duration.ofSeconds(20)).until(() -> TestData.job(view.id()).status == JobStatus.FAILED);
        assertThat(TestData.job(view.id()).reason).contains("no dataset");
    }
}
