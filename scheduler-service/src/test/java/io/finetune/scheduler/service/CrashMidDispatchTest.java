package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.common.events.JobStatus;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler dying between a job's state change and its dispatch message, at the service level
 * (dev/faults kills the real process): a dispatch whose transaction never committed leaves the job
 * queued and it is released once, as attempt 1; a dispatch committed but not marked sent (the relay
 * died after or before publishing) goes out again with the same event id, which trainers drop, and
 * the job is never released a second time.
 */
@QuarkusTest
class CrashMidDispatchTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @Inject
    Dispatcher dispatcher;
    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void aDispatchThatNeverCommittedLeavesTheJobQueuedForOneReleaseLater() {
        String owner = TestData.randomOwner();
        UUID dataset = UUID.randomUUID();
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic())) {
            // the job waits for its dataset, so no release can happen before the "crash" below
            UUID id = jobs.submit(owner, new NewJob("crash-before-commit", dataset, null, 1, null)).id();
            // a dispatcher run that dies before its commit: in its transaction the dataset is learnt and
            // the job queued (as the dataset event would), and the job released, then the process is gone and so is the transaction
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    Dataset validated = new Dataset();
                    validated.id = dataset;
                    validated.owner = owner;
                    validated.status = Dataset.VALIDATED;
                    validated.objectKey = "datasets/" + dataset + ".csv";
                    validated.rows = 10L;
                    validated.sequence = 1;
                    validated.persist();
                    Job job = Job.findById(id);
                    job.status = JobStatus.QUEUED;
                    job.queuedAt = job.createdAt;
                    assertThat(dispatcher.releaseFreeSlots()).isEqualTo(1);
                    assertThat(job.status).isEqualTo(JobStatus.DISPATCHED);
                    throw new IllegalStateException("killed");
                });
            } catch (IllegalStateException killed) {
                // expected
            }
            assertThat(TestData.job(id).status).isEqualTo(JobStatus.VALIDATING);
            assertThat(TestData.job(id).attempt).isZero();
            TestData.publishDataset(TestData.validated(dataset, owner, 10));
            await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.DISPATCHED);
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5)).until(() -> dispatches.poll(Set.of(id)).size() == 1);
            JsonNode dispatch = TestKafka.read(dispatches.poll(Set.of(id)).get(0), JsonNode.class);
            assertThat(dispatch.path("attempt").asInt()).isEqualTo(1);
            assertThat(TestData.job(id).attempt).isEqualTo(1);
        }
    }

    @Test
    void aCommittedDispatchNotMarkedSentIsRepublishedWithTheSameEventIdAndNotReleasedAgain() {
        String owner = TestData.randomOwner();
        UUID dataset = UUID.randomUUID();
        TestData.publishDataset(TestData.validated(dataset, owner, 10));
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic())) {
            UUID id = jobs.submit(owner, new NewJob("crash-after-commit", dataset, null, 1, null)).id();
            await().atMost(WAIT).until(() -> dispatches.poll(Set.of(id)).size() == 1);

            // the relay published, then died before marking the row sent: on restart the row is unsent
            int unmarked = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                            "update outbox set sent_at = null where message_key = ?1 and topic = ?2")
                    .setParameter(1, id.toString()).setParameter(2, TestKafka.dispatchTopic()).executeUpdate());
            assertThat(unmarked).isEqualTo(1);
            dispatcher.releaseFreeSlots();

            await().atMost(WAIT).until(() -> dispatches.poll(Set.of(id)).size() == 2);
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5)).until(() -> dispatches.poll(Set.of(id)).size() == 2);
            List<JsonNode> both = dispatches.poll(Set.of(id)).stream().map(r -> TestKafka.read(r, JsonNode.class)).toList();
            assertThat(both.get(1).path("eventId").asText()).isEqualTo(both.get(0).path("eventId").asText());
            assertThat(both).allSatisfy(d -> assertThat(d.path("attempt").asInt()).isEqualTo(1));
            Job job = TestData.job(id);
            assertThat(job.status).isEqualTo(JobStatus.DISPATCHED);
            assertThat(job.attempt).isEqualTo(1);
        }
    }
}
