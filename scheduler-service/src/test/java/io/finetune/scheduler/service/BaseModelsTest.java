package io.finetune.scheduler.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.problem.Problem;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.rest.JobResource;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Jobs that start from a registered base model, against base models registered as the admin's
 * command does it: real objects in the test store. Names are new per run, since the store keeps
 * what earlier runs registered.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BaseModelsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    /** Versions 1 and 2 registered, 3 still being uploaded (no metadata yet). */
    private static final String TABULAR = "backbone-" + SUFFIX;
    private static final String TEXT = "encoder-" + SUFFIX;

    @Inject
    MinioClient minio;
    @Inject
    ObjectMapper json;
    @Inject
    JobService jobs;
    @Inject
    DatasetEventService datasets;
    @Inject
    EntityManager em;

    @BeforeAll
    void register() throws Exception {
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(BaseModel.BUCKET).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(BaseModel.BUCKET).build());
        }
        register(TABULAR, 1, "tabular-classification", true);
        register(TABULAR, 2, "tabular-classification", true);
        register(TABULAR, 3, "tabular-classification", false);
        register(TEXT, 1, "text-classification", true);
    }

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void aNameIsPinnedToItsNewestRegisteredVersionAndTheDispatchAndEventsCarryIt() {
        String owner = TestData.randomOwner();
        UUID datasetId = validatedDataset(owner, DatasetEvent.TRAINING);
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic());
                var events = TestKafka.Tail.fromEnd(Topics.JOBS_EVENTS)) {
            JobView job = jobs.submit(owner, request("newest", datasetId, null, TABULAR));
            assertThat(job.baseModel()).isEqualTo(TABULAR + ":2");
            assertThat(job.status()).isEqualTo(JobStatus.QUEUED);

            await().atMost(WAIT).until(() -> !dispatches.poll(Set.of(job.id())).isEmpty());
            TrainingDispatch dispatch = TestKafka.read(dispatches.poll(Set.of(job.id())).get(0), TrainingDispatch.class);
            assertThat(dispatch.baseModel()).isEqualTo(TABULAR + ":2");
            assertThat(dispatch.warmStartUri()).isNull();
            await().atMost(WAIT).until(() -> events.poll(Set.of(job.id())).size() >= 2);
            assertThat(events.poll(Set.of(job.id()))).extracting(r -> TestKafka.read(r, JobEvent.class).baseModel())
                    .containsOnly(TABULAR + ":2");
        }
    }

    @Test
    void anExplicitVersionIsKept() {
        String owner = TestData.randomOwner();
        JobView job = jobs.submit(owner, request("explicit", validatedDataset(owner, DatasetEvent.TRAINING), null,
                TABULAR + ":1"));
        assertThat(job.baseModel()).isEqualTo(TABULAR + ":1");
        assertThat(TestData.job(job.id()).baseModel).isEqualTo(TABULAR + ":1");
    }

    @Test
    void aBaseModelThatCannotBeUsedIs422NamingTheFieldAndWhatIsRegistered() {
        String owner = TestData.randomOwner();
        UUID datasetId = validatedDataset(owner, DatasetEvent.TRAINING);

        submit(owner, body("unknown", datasetId, null, "nothing-" + SUFFIX)).statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors.field", contains("baseModel"))
                .body("errors[0].message", containsString("no base model named 'nothing-" + SUFFIX + "'"))
                .body("errors[0].message", containsString(TABULAR));
        submit(owner, body("version", datasetId, null, TABULAR + ":3")).statusCode(422)
                .body("errors.field", contains("baseModel"))
                .body("errors[0].message", containsString("has no version 3; registered versions: [1, 2]"));
        submit(owner, body("other-recipe", datasetId, null, TEXT)).statusCode(422)
                .body("errors.field", contains("baseModel"))
                .body("errors[0].message", containsString("is for recipe 'text-classification'"));
        submit(owner, body("no-base", datasetId, "text-classification", TABULAR)).statusCode(422)
                .body("errors.field", contains("baseModel"))
                .body("errors[0].message", containsString("built-in base model"));
        for (String malformed : List.of("Backbone", "backbone:0", "backbone:", "a/b", "x:1:2", "")) {
            submit(owner, body("malformed", datasetId, null, malformed)).statusCode(422)
                    .body("errors.field", contains("baseModel"));
        }
        assertThat(QuarkusTransaction.requiringNew().call(() -> Job.count("owner", owner))).isZero();
    }

    @Test
    void theListShowsEveryRegisteredVersionWithItsMetadata() {
        given().get("/base-models").then().statusCode(200)
                .body("find { it.name == '" + TABULAR + "' }.versions.version", contains(1, 2))
                .body("find { it.name == '" + TABULAR + "' }.versions[1].recipe", equalTo("tabular-classification"))
                .body("find { it.name == '" + TABULAR + "' }.versions[1].sha256", equalTo(sha256(TABULAR, 2)))
                .body("find { it.name == '" + TABULAR + "' }.versions[1].inputWidth", equalTo(4))
                .body("find { it.name == '" + TEXT + "' }.versions.version", contains(1));
    }

    @Test
    void aDatasetUploadedForPredictionsIsRefusedForTraining() {
        String owner = TestData.randomOwner();
        submit(owner, body("on-inputs", validatedDataset(owner, DatasetEvent.PREDICTION), null, null))
                .statusCode(422)
                .body("errors.field", contains("datasetId"))
                .body("errors[0].message", containsString("purpose 'prediction'"))
                .body("errors[0].message", containsString("purpose 'training'"));

        // a job submitted before the scheduler heard of the dataset fails when it does
        UUID later = UUID.randomUUID();
        JobView waiting = jobs.submit(owner, request("waiting", later, null, null));
        assertThat(waiting.status()).isEqualTo(JobStatus.VALIDATING);
        datasets.onDatasetEvent(dataset(later, owner, DatasetEvent.PREDICTION));
        Job failed = TestData.job(waiting.id());
        assertThat(failed.status).isEqualTo(JobStatus.FAILED);
        assertThat(failed.reason).contains("purpose 'prediction'");
    }

    @Test
    void resultReuseAndWarmStartsTellBaseModelsApart() {
        String owner = TestData.randomOwner();
        UUID datasetId = validatedDataset(owner, DatasetEvent.TRAINING);
        Job first = TestData.train(jobs, WAIT, owner, new NewJob("v1", datasetId, null, 2, null, null, null, "churn", null,
                TABULAR + ":1"));

        // identical but for the base model: trains, and does not warm-start from a head on another backbone
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic())) {
            JobView other = jobs.submit(owner, new NewJob("v2", datasetId, null, 2, null, null, null, "churn", null,
                    TABULAR + ":2"));
            assertThat(other.status()).isEqualTo(JobStatus.QUEUED);
            await().atMost(WAIT).until(() -> !dispatches.poll(Set.of(other.id())).isEmpty());
            assertThat(TestKafka.read(dispatches.poll(Set.of(other.id())).get(0), TrainingDispatch.class)
                    .warmStartUri()).isNull();

            // the same base model: a retrain of the model warm-starts from the first version
            JobView same = jobs.submit(owner, new NewJob("v3", datasetId, null, 2, null, null, null, "churn", true,
                    TABULAR + ":1"));
            await().atMost(WAIT).until(() -> !dispatches.poll(Set.of(same.id())).isEmpty());
            assertThat(TestKafka.read(dispatches.poll(Set.of(same.id())).get(0), TrainingDispatch.class)
                    .warmStartUri()).isEqualTo("s3://models/" + first.id);
        }

        // identical in everything, the base model included: answered with the first job's version
        JobView again = jobs.submit(owner, new NewJob("again", datasetId, null, 2, null, null, null, null, null,
                TABULAR + ":1"));
        assertThat(again.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(again.reason()).contains("reused model churn version 1");
        // and no base model is not the same as one
        assertThat(jobs.submit(owner, new NewJob("none", datasetId, null, 2, null)).status())
                .isEqualTo(JobStatus.QUEUED);
    }


    private void register(String name, int version, String recipe, boolean complete) throws Exception {
        byte[] module = ("torchscript " + name + ":" + version).getBytes();
        put(BaseModel.artifactKey(name, version), module);
        if (complete) {
            put(BaseModel.metadataKey(name, version), json.writeValueAsBytes(new BaseModel(name, version,
                    BaseModel.FORMAT_TORCHSCRIPT, recipe, 4, 16, sha256(name, version), module.length,
                    "test backbone", Instant.parse("2026-11-25T10:00:00Z"))));
        }
    }

    private void put(String key, byte[] bytes) throws Exception {
        minio.putObject(PutObjectArgs.builder().bucket(BaseModel.BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    /** Not the file's real digest: the scheduler only passes the metadata on. */
    private static String sha256(String name, int version) {
        return String.format("%064x", (name + version).hashCode() & 0xffffffffL);
    }

    private UUID validatedDataset(String owner, String purpose) {
        UUID id = UUID.randomUUID();
        datasets.onDatasetEvent(dataset(id, owner, purpose));
        return id;
    }

    private static DatasetEvent dataset(UUID id, String owner, String purpose) {
        DatasetEvent base = TestData.validated(id, owner, 100);
        return new DatasetEvent(base.eventId(), base.type(), base.time(), base.sequence(), id, owner, base.name(),
                base.objectKey(), base.rows(), base.bytes(), base.columns(), base.problems(), base.sha256(), purpose);
    }

    private static NewJob request(String name, UUID datasetId, String recipe, String baseModel) {
        return new NewJob(name, datasetId, recipe, 2, null, null, null, null, null, baseModel);
    }

    private static Map<String, Object> body(String name, UUID datasetId, String recipe, String baseModel) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "datasetId", datasetId, "epochs", 2));
        if (recipe != null) {
            body.put("recipe", recipe);
        }
        if (baseModel != null) {
            body.put("baseModel", baseModel);
        }
        return body;
    }

    private static ValidatableResponse submit(String owner, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).header(JobResource.OWNER_HEADER, owner).body(body)
                .post("/jobs").then();
    }
}
