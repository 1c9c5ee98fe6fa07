package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
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

/** Both lanes on the real broker: each job goes to its profile's topic, and each lane counts its own slots. */
@QuarkusTest
class LanesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void eachLaneReleasesIntoItsOwnTopicUpToItsOwnSlots() {
        UUID datasetId = UUID.randomUUID();
        UUID bobsDataset = UUID.randomUUID();
        String alice = TestData.randomOwner();
        String bob = TestData.randomOwner();
        try (var interactive = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic("interactive"));
                var production = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic("production"));
                var jobEvents = TestKafka.Tail.fromEnd(Topics.JOBS_EVENTS)) {
            // the interactive lane has one slot, the production lane two
            UUID quick = jobs.submit(alice, new NewJob("quick", datasetId, null, 1, null, "interactive", null)).id();
            UUID quick2 = jobs.submit(bob, new NewJob("quick2", bobsDataset, null, 2, null, "interactive", null)).id();
            UUID full = jobs.submit(alice, new NewJob("full", datasetId, null, 1, null, "production", "batch")).id();
            UUID full2 = jobs.submit(bob, new NewJob("full2", bobsDataset, null, 1, null)).id();
            Set<UUID> mine = Set.of(quick, quick2, full, full2);
            TestData.publishDataset(TestData.validated(datasetId, alice, 100));
            TestData.publishDataset(TestData.validated(bobsDataset, bob, 100));

            await().atMost(WAIT).until(() -> interactive.poll(mine).size() == 1 && production.poll(mine).size() == 2);
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5))
                    .until(() -> interactive.poll(mine).size() == 1 && production.poll(mine).size() == 2);
            assertThat(interactive.poll(mine)).extracting(r -> TestKafka.read(r, TrainingDispatch.class).jobId())
                    .containsExactly(quick);
            assertThat(production.poll(mine)).extracting(r -> TestKafka.read(r, TrainingDispatch.class).jobId())
                    .containsExactlyInAnyOrder(full, full2);
            assertThat(TestData.job(quick2).status).isEqualTo(JobStatus.QUEUED);

            await().atMost(WAIT).until(() -> jobEvents.poll(Set.of(quick, full)).size() >= 6);
            List<JobEvent> events = jobEvents.poll(Set.of(quick, full)).stream()
                    .map(r -> TestKafka.read(r, JobEvent.class)).toList();
            assertThat(events).filteredOn(e -> e.jobId().equals(quick))
                    .allSatisfy(e -> {
                        assertThat(e.lane()).isEqualTo("interactive");
                        assertThat(e.priorityClass()).isEqualTo("interactive");
                    });
            assertThat(events).filteredOn(e -> e.jobId().equals(full))
                    .allSatisfy(e -> {
                        assertThat(e.lane()).isEqualTo("production");
                        assertThat(e.priorityClass()).isEqualTo("batch");
                    });
        }
    }

    @Test
    void anOwnerAtTheRunningQuotaIsHeldWhileOthersGetTheSlot() {
        UUID datasetId = UUID.randomUUID();
        String busy = TestData.randomOwner();
        String other = TestData.randomOwner();
        try (var production = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic("production"))) {
            // quota 2 running per owner: the busy owner's two jobs take both slots ...
            UUID b1 = jobs.submit(busy, new NewJob("b1", datasetId, null, 1, null)).id();
            UUID b2 = jobs.submit(busy, new NewJob("b2", datasetId, null, 1, null)).id();
            TestData.publishDataset(TestData.validated(datasetId, busy, 10));
            await().atMost(WAIT).until(() -> production.poll(Set.of(b1, b2)).size() == 2);
            // ... its third waits even with a free interactive slot, which belongs to another lane
            UUID b3 = jobs.submit(busy, new NewJob("b3", datasetId, null, 1, null, "interactive", null)).id();
            await().during(SETTLE).atMost(SETTLE.plusSeconds(5)).until(() -> TestData.job(b3).status == JobStatus.QUEUED);
            assertThat(TestData.job(b3).reason).isNull();

            UUID otherDataset = UUID.randomUUID();
            UUID o1 = jobs.submit(other, new NewJob("o1", otherDataset, null, 1, null, "interactive", null)).id();
            TestData.publishDataset(TestData.validated(otherDataset, other, 1_000_000));
            await().atMost(WAIT).until(() -> TestData.job(o1).status == JobStatus.DISPATCHED);
            assertThat(TestData.job(b3).status).isEqualTo(JobStatus.QUEUED);
        }
    }
}
