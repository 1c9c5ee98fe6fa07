package io.finetune.dataset.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.dataset.entity.DatasetUse;
import io.finetune.dataset.support.Api;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting a dataset that a job still needs is refused with 409 naming the jobs: the service learns the
 * jobs from jobs.events on the real broker (published here as the scheduler would), idempotently.
 */
@QuarkusTest
class DatasetInUseTest {

    private static final Duration APPLIED = Duration.ofSeconds(90);

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String servers;

    private KafkaProducer<String, String> producer;

    @BeforeEach
    void open() throws Exception {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", servers, "acks", "all"),
                new StringSerializer(), new StringSerializer());
        // in %test the service's group starts at the end of jobs.events: wait until it reads, so nothing sent below is missed
        drain(UUID.randomUUID());
    }

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void jobsThatNeedTheDatasetBlockItsDeleteUntilTheyEnd() throws Exception {
        String owner = Api.newOwner();
        String id = validatedDataset(owner);
        UUID queued = UUID.randomUUID();
        UUID running = UUID.randomUUID();
        publish(queued, 1, owner, "nightly", JobStatus.QUEUED, id);
        publish(running, 1, owner, "churn-v2", JobStatus.QUEUED, id);
        publish(running, 3, owner, "churn-v2", JobStatus.RUNNING, id);
        publish(running, 2, owner, "churn-v2", JobStatus.DISPATCHED, id); // late and older: changes nothing
        drain(queued);
        drain(running);

        delete(owner, id).statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("jobs.name", equalTo(List.of("churn-v2", "nightly")))
                .body("jobs.status", equalTo(List.of("running", "queued")))
                .body("jobs.id", equalTo(List.of(running.toString(), queued.toString())))
                .body("detail", allOf(containsString("'churn-v2' (running)"), containsString("'nightly' (queued)")));
        Api.get(owner, id).statusCode(200).body("status", equalTo("validated"));

        publish(queued, 2, owner, "nightly", JobStatus.CANCELLED, id);
        drain(queued);
        delete(owner, id).statusCode(409).body("jobs.name", equalTo(List.of("churn-v2")));

        publish(running, 4, owner, "churn-v2", JobStatus.SUCCEEDED, id);
        drain(running);
        delete(owner, id).statusCode(204);
        Api.get(owner, id).statusCode(404);
    }

    @Test
    void aFailedAttemptRequeuedStillBlocksAndAReplayedOldEventDoesNotRevive() throws Exception {
        String owner = Api.newOwner();
        String id = validatedDataset(owner);
        UUID job = UUID.randomUUID();
        publish(job, 5, owner, "retrained", JobStatus.SUCCEEDED, id);
        // a replay of the job's earlier events, after its end: the same key, so read after the end
        publish(job, 2, owner, "retrained", JobStatus.QUEUED, id);
        publish(job, 4, owner, "retrained", JobStatus.RUNNING, id);
        drain(job);
        assertEquals("succeeded", use(job).status, "an older event must not overwrite a newer one");
        delete(owner, id).statusCode(204);

        String second = validatedDataset(owner);
        UUID waiting = UUID.randomUUID();
        publish(waiting, 1, owner, "waits", JobStatus.VALIDATING, second);
        drain(waiting);
        delete(owner, second).statusCode(409).body("jobs.status", equalTo(List.of("validating")));
    }

    @Test
    void anotherUsersJobNamingTheDatasetDoesNotBlockNorShow() throws Exception {
        String owner = Api.newOwner();
        String id = validatedDataset(owner);
        UUID foreign = UUID.randomUUID();
        publish(foreign, 1, Api.newOwner(), "not-yours", JobStatus.QUEUED, id);
        drain(foreign);
        delete(owner, id).statusCode(204);
    }

    @Test
    void anotherUsersDeleteIsStill404() throws Exception {
        String owner = Api.newOwner();
        String id = validatedDataset(owner);
        UUID job = UUID.randomUUID();
        publish(job, 1, owner, "mine", JobStatus.RUNNING, id);
        drain(job);
        delete(Api.newOwner(), id).statusCode(404);
        delete(owner, id).statusCode(409);
    }

    private static String validatedDataset(String owner) throws Exception {
        StringBuilder csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        return Api.uploadSingle(owner, Api.newName(), csv.toString().getBytes(StandardCharsets.UTF_8))
                .statusCode(200).body("status", equalTo("validated")).extract().path("id");
    }

    private static ValidatableResponse delete(String owner, String id) {
        return given().header(Api.OWNER, owner).when().delete("/datasets/{id}", id).then();
    }

    /**
     * Waits until every event published so far for {@code job} has been applied: a marker job sent with
     * the same key lands on the same partition after them, so once it is applied they are too.
     */
    private void drain(UUID job) throws Exception {
        // sent again every few seconds: one sent before the service's consumer has its partitions is not read
        Instant until = Instant.now().plus(APPLIED);
        while (true) {
            UUID marker = UUID.randomUUID();
            publish(job.toString(), marker, 1, "marker-owner", "marker", JobStatus.SUCCEEDED, UUID.randomUUID().toString());
            try {
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> use(marker) != null);
                return;
            } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                if (Instant.now().isAfter(until)) {
                    throw notYet;
                }
            }
        }
    }

    private static DatasetUse use(UUID job) {
        return QuarkusTransaction.requiringNew().call(() -> DatasetUse.<DatasetUse>findById(job));
    }

    private void publish(UUID job, long sequence, String owner, String name, JobStatus status, String datasetId)
            throws Exception {
        publish(job.toString(), job, sequence, owner, name, status, datasetId);
    }

    /** As the scheduler publishes a transition; {@code key} decides the partition (the job id normally). */
    private void publish(String key, UUID job, long sequence, String owner, String name, JobStatus status,
            String datasetId) throws Exception {
        JobEvent event = new JobEvent(UUID.randomUUID(), JobEvent.typeFor(status), Instant.now(), sequence, job, owner,
                name, status, null, UUID.fromString(datasetId), "tabular-classification", 3, Map.of(), 1,
                "production", "production");
        producer.send(new ProducerRecord<>(Topics.JOBS_EVENTS, key, json.writeValueAsString(event))).get();
    }
}
