package io.finetune.scheduler.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.service.JobService;
import io.finetune.scheduler.service.NewJob;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KEDA's contract on the real broker: with no trainer ever having run, every release adds exactly
 * one to the trainers' consumer-group lag on the dispatch topic. The service starts here on a
 * dispatch topic and group of its own that do not exist yet, as on a fresh cluster.
 */
@QuarkusTest
@TestProfile(DispatchGroupContractTest.FreshDispatchTopic.class)
class DispatchGroupContractTest {

    private static final String SUFFIX = UUID.randomUUID().toString();
    private static final String TOPIC = "training.dispatch.scheduler-test-" + SUFFIX;
    private static final String GROUP = "trainers-scheduler-test-" + SUFFIX;
    private static final Duration WAIT = Duration.ofSeconds(20);

    public static class FreshDispatchTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scheduler.lanes.production.topic", TOPIC, "scheduler.dispatch.trainer-group", GROUP);
        }
    }

    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @AfterAll
    static void removeTopicAndGroup() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()))) {
            admin.deleteConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS);
            admin.deleteTopics(List.of(TOPIC)).all().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyReleaseAddsOneToTheTrainersLag() throws Exception {
        assertThat(TestKafka.dispatchTopic()).isEqualTo(TOPIC);
        // the group has offsets on every partition before anything was released
        assertThat(TestKafka.lag(GROUP, TOPIC)).isZero();

        String owner = TestData.randomOwner();
        UUID datasetId = UUID.randomUUID();
        List<UUID> ids = List.of(
                jobs.submit(owner, new NewJob("one", datasetId, null, 1, null)).id(),
                jobs.submit(owner, new NewJob("two", datasetId, null, 2, null)).id(),
                jobs.submit(owner, new NewJob("three", datasetId, null, 3, null)).id());
        TestData.publishDataset(TestData.validated(datasetId, owner, 100));

        awaitLag(2);

        // a slot frees up: the third release adds the third unit of lag
        Job first = TestData.job(ids.get(0));
        assertThat(first.status).isEqualTo(JobStatus.DISPATCHED);
        TestData.publishTraining(TestData.training(TrainingEvent.FAILED, first, 1, 1, "out of memory"));

        awaitLag(3);
        assertThat(TestData.job(ids.get(2)).status).isEqualTo(JobStatus.DISPATCHED);
    }

    private static void awaitLag(long expected) {
        await().atMost(WAIT).until(() -> TestKafka.lag(GROUP, TOPIC) == expected);
        // and it stays there: nothing more was released
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8))
                .until(() -> TestKafka.lag(GROUP, TOPIC) == expected);
    }
}
