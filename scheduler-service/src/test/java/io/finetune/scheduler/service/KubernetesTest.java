package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.support.TestClock;
import io.finetune.scheduler.support.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On Kubernetes, against fabric8's mock API server (CRUD mode; no API server can run here) with the
 * real broker and database: the production lane's slots follow its nodes' allocatable GPUs (labelled,
 * schedulable nodes only), and a job past the run-time limit has its trainer's Job deleted.
 */
@QuarkusTest
@TestProfile(KubernetesTest.OnKubernetes.class)
@WithKubernetesTestServer
class KubernetesTest {

    private static final String POOL = "finetune.io/pool";
    private static final String NAMESPACE = "test";

    /** The scheduler with Kubernetes on; its production lane (2 slots configured) reads nodes of the a100 pool. */
    public static class OnKubernetes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scheduler.kubernetes.enabled", "true",
                    "scheduler.kubernetes.namespace", NAMESPACE,
                    "scheduler.kubernetes.lanes.production.node-selector", POOL + "=a100");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LaneCapacity capacity;
    @Inject
    Watchdog watchdog;
    @Inject
    JobService jobs;
    @Inject
    TestClock clock;
    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        clock.reset();
        TestData.reset(em);
        KubernetesClient k8s = server.getClient();
        k8s.nodes().delete();
        k8s.pods().inNamespace(NAMESPACE).delete();
        k8s.batch().v1().jobs().inNamespace(NAMESPACE).delete();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void theLanesSlotsFollowItsSchedulableNodesGpus() {
        KubernetesClient k8s = server.getClient();
        node(k8s, "gpu-1", "a100", "1", false);
        node(k8s, "gpu-cordoned", "a100", "4", true);
        node(k8s, "other-pool", "t4", "8", false);
        capacity.refresh();
        assertThat(capacity.slots("production")).isEqualTo(1);
        assertThat(capacity.slots("interactive")).as("no node selector: the configured slots").isEqualTo(1);

        List<UUID> submitted = List.of(submit(), submit());
        await().atMost(Duration.ofSeconds(20)).until(() -> count(submitted, JobStatus.DISPATCHED) == 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8))
                .until(() -> count(submitted, JobStatus.DISPATCHED) == 1);

        // a second GPU node joins the pool: the second job gets its slot
        node(k8s, "gpu-2", "a100", "1", false);
        capacity.refresh();
        assertThat(capacity.slots("production")).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> count(submitted, JobStatus.DISPATCHED) == 2);

        // more GPUs than configured slots: the configuration stays the ceiling
        node(k8s, "gpu-3", "a100", "8", false);
        capacity.refresh();
        assertThat(capacity.slots("production")).isEqualTo(2);
    }

    @Test
    void aJobPastTheRunTimeLimitHasItsTrainersJobDeleted() {
        KubernetesClient k8s = server.getClient();
        node(k8s, "gpu-1", "a100", "2", false);
        capacity.refresh();
        k8s.batch().v1().jobs().inNamespace(NAMESPACE).resource(new JobBuilder().withNewMetadata()
                .withName("trainer-production-x7k2p").endMetadata().build()).create();
        k8s.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata()
                .withName("trainer-production-x7k2p-9fq4z")
                .addToLabels(TrainerJobs.JOB_NAME_LABEL, "trainer-production-x7k2p").endMetadata().build()).create();
        k8s.batch().v1().jobs().inNamespace(NAMESPACE).resource(new JobBuilder().withNewMetadata()
                .withName("trainer-production-other").endMetadata().build()).create();

        UUID id = submit();
        await().atMost(Duration.ofSeconds(20)).until(() -> TestData.job(id).status == JobStatus.DISPATCHED);
        Job job = TestData.job(id);
        TrainingEvent started = TestData.training(TrainingEvent.STARTED, job, 1, 1, null);
        TestData.publishTraining(new TrainingEvent(started.eventId(), started.type(), started.time(),
                started.sequence(), job.id, job.owner, 1, "trainer-production-x7k2p-9fq4z", "gpu", null, job.epochs,
                null, null, null, null, null, null, null, null, null, null, null));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestData.job(id).status == JobStatus.RUNNING);
        assertThat(TestData.job(id).worker).isEqualTo("trainer-production-x7k2p-9fq4z");

        clock.advance(Duration.ofDays(3).plusMinutes(1));
        watchdog.check();
        assertThat(TestData.job(id).status).isEqualTo(JobStatus.TIMED_OUT);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                k8s.batch().v1().jobs().inNamespace(NAMESPACE).withName("trainer-production-x7k2p").get() == null);
        assertThat(k8s.batch().v1().jobs().inNamespace(NAMESPACE).withName("trainer-production-other").get())
                .as("other trainers' Jobs stay").isNotNull();
    }

    private UUID submit() {
        String owner = TestData.randomOwner();
        UUID dataset = UUID.randomUUID();
        TestData.publishDataset(TestData.validated(dataset, owner, 100));
        UUID id = jobs.submit(owner, new NewJob("k8s", dataset, null, 1, null)).id();
        await().atMost(Duration.ofSeconds(20)).until(() -> TestData.job(id).status != JobStatus.VALIDATING);
        return id;
    }

    private static long count(List<UUID> ids, JobStatus status) {
        return ids.stream().filter(id -> TestData.job(id).status == status).count();
    }

    private static void node(KubernetesClient k8s, String name, String pool, String gpus, boolean cordoned) {
        k8s.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).addToLabels(POOL, pool).endMetadata()
                .withNewSpec().withUnschedulable(cordoned).endSpec()
                .withNewStatus().addToAllocatable("nvidia.com/gpu", new Quantity(gpus))
                .addToAllocatable("cpu", new Quantity("16")).endStatus().build()).create();
    }
}
