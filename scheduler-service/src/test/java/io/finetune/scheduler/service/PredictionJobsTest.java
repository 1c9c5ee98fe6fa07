package io.finetune.scheduler.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobKind;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.ModelCard;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.ModelVersion;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prediction jobs through the real broker, database and store: submitted for a model version, checked
 * against the dataset's columns, dispatched on the cpu lane with the version's artifact, succeeded with
 * a result file that is handed out as a presigned URL to its owner only.
 */
@QuarkusTest
class PredictionJobsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String BUCKET = "predictions-scheduler-test";
    private static final List<String> INPUTS = List.of("temperature", "vibration");

    @Inject
    EntityManager em;
    @Inject
    MinioClient minio;

    private final String owner = TestData.randomOwner();

    @BeforeEach
    void reset() {
        TestData.reset(em);
    }

    @Test
    void aPredictionJobRunsOnTheCpuLaneAndItsResultIsDownloadedByItsOwnerOnly() throws Exception {
        registerVersion("health", 1, "s3://models/v1/");
        registerVersion("health", 2, "s3://models/v2/");
        UUID datasetId = dataset(List.of("temperature", "vibration", "site"));
        try (var dispatches = TestKafka.Tail.fromEnd(TestKafka.dispatchTopic("cpu"));
                var jobEvents = TestKafka.Tail.fromEnd(Topics.JOBS_EVENTS)) {
            UUID id = UUID.fromString(submit("health", Map.of("datasetId", datasetId, "version", 1)).statusCode(201)
                    .body("kind", equalTo("prediction"))
                    .body("model", equalTo("health"))
                    .body("modelVersion", equalTo(1))
                    .body("status", equalTo("queued"))
                    .body("profile", equalTo("cpu"))
                    .body("name", containsString("health-predictions-"))
                    .extract().path("id"));
            await().atMost(WAIT).until(() -> dispatches.poll(Set.of(id)).size() == 1);
            TrainingDispatch dispatch = TestKafka.read(dispatches.poll(Set.of(id)).get(0), TrainingDispatch.class);
            assertThat(dispatch.kind()).isEqualTo(JobKind.PREDICTION);
            assertThat(dispatch.model()).isEqualTo("health");
            assertThat(dispatch.modelVersion()).isEqualTo(1);
            assertThat(dispatch.modelUri()).isEqualTo("s3://models/v1/");
            assertThat(dispatch.warmStartUri()).isNull();
            assertThat(dispatch.datasetId()).isEqualTo(datasetId);

            // not finished yet: 409; another user: 404
            download(owner, id).statusCode(409);
            download(TestData.randomOwner(), id).statusCode(404);

            String csv = "temperature,vibration,site,predicted_label,p_fail,p_ok\n71.5,0.3,7,ok,0.1,0.9\n";
            String key = id + "/attempt-1/predictions.csv";
            store(key, csv);
            Job job = TestData.job(id);
            TestData.publishTraining(TestData.training(TrainingEvent.STARTED, job, 1, 1, null));
            TestData.publishTraining(succeeded(job, "s3://" + BUCKET + "/" + key));
            await().atMost(WAIT).until(() -> TestData.job(id).status == JobStatus.SUCCEEDED);
            assertThat(TestData.job(id).resultUri).isEqualTo("s3://" + BUCKET + "/" + key);
            // a prediction registers no model version
            assertThat(QuarkusTransaction.requiringNew().call(() -> ModelVersion.count("jobId", id))).isZero();

            await().atMost(WAIT).until(() -> jobEvents.poll(Set.of(id)).stream()
                    .anyMatch(r -> TestKafka.read(r, JobEvent.class).status() == JobStatus.SUCCEEDED));
            JobEvent last = jobEvents.poll(Set.of(id)).stream().map(r -> TestKafka.read(r, JobEvent.class))
                    .filter(e -> e.status() == JobStatus.SUCCEEDED).findFirst().orElseThrow();
            assertThat(last.kind()).isEqualTo(JobKind.PREDICTION);
            assertThat(last.model()).isEqualTo("health");
            assertThat(last.modelVersion()).isEqualTo(1);
            assertThat(last.resultUri()).isEqualTo("s3://" + BUCKET + "/" + key);
            assertThat(last.lane()).isEqualTo("cpu");

            String url = download(owner, id).statusCode(200).body("jobId", equalTo(id.toString()))
                    .extract().path("url");
            Instant expiresAt = Instant.parse(download(owner, id).extract().path("expiresAt"));
            assertThat(expiresAt).isBetween(Instant.now().plusSeconds(60), Instant.now().plus(Duration.ofMinutes(16)));
            HttpResponse<String> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo(csv);
            download(TestData.randomOwner(), id).statusCode(404);
        }
    }

    @Test
    void theLatestVersionIsTheDefault() {
        registerVersion("health", 1, "s3://models/v1/");
        registerVersion("health", 2, "s3://models/v2/");
        submit("health", Map.of("datasetId", dataset(INPUTS), "name", "score-today")).statusCode(201)
                .body("modelVersion", equalTo(2)).body("name", equalTo("score-today"));
        // a name is unique among all the owner's jobs
        submit("health", Map.of("datasetId", dataset(INPUTS), "name", "score-today")).statusCode(409);
    }

    @Test
    void aDatasetWithoutAColumnTheModelReadsIsRefusedNamingIt() {
        registerVersion("health", 1, "s3://models/v1/");
        submit("health", Map.of("datasetId", dataset(List.of("temperature", "site")))).statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("datasetId")))
                .body("errors[0].message", containsString("no column 'vibration'"))
                .body("detail", containsString("'vibration'"));
    }

    @Test
    void aDatasetNotYetValidatedIsCheckedWhenItsEventArrives() {
        registerVersion("health", 1, "s3://models/v1/");
        UUID fits = UUID.randomUUID();
        UUID lacks = UUID.randomUUID();
        UUID waiting = UUID.fromString(submit("health", Map.of("datasetId", fits)).statusCode(201)
                .body("status", equalTo("validating")).extract().path("id"));
        UUID failing = UUID.fromString(submit("health", Map.of("datasetId", lacks)).statusCode(201)
                .body("status", equalTo("validating")).extract().path("id"));
        TestData.publishDataset(validated(fits, INPUTS));
        TestData.publishDataset(validated(lacks, List.of("vibration")));
        await().atMost(WAIT).until(() -> TestData.job(failing).status == JobStatus.FAILED);
        assertThat(TestData.job(failing).reason).contains("no column 'temperature'");
        await().atMost(WAIT).until(() -> TestData.job(waiting).status != JobStatus.VALIDATING);
        assertThat(TestData.job(waiting).status).isIn(JobStatus.QUEUED, JobStatus.DISPATCHED);
    }

    @Test
    void unknownModelsAndVersionsAndBadFieldsAreRefused() {
        registerVersion("health", 1, "s3://models/v1/");
        UUID datasetId = dataset(INPUTS);
        submit("nothing", Map.of("datasetId", datasetId)).statusCode(404).contentType("application/problem+json");
        submit("health", Map.of("datasetId", datasetId, "version", 7)).statusCode(404)
                .body("detail", containsString("no version 7"));
        // another owner's model is as good as absent
        given().header("X-Owner", TestData.randomOwner()).contentType(ContentType.JSON)
                .body(Map.of("datasetId", datasetId)).post("/models/health/predictions").then().statusCode(404);
        submit("health", Map.of("name", "bad name!", "priorityClass", "urgent")).statusCode(422)
                .body("errors.field", hasItem("datasetId"))
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("priorityClass"));
        download(owner, UUID.randomUUID()).statusCode(404);
        given().get("/jobs/{id}/predictions", UUID.randomUUID()).then().statusCode(401);
    }

    @Test
    void aTrainingJobHasNoPredictionsToDownload() {
        UUID datasetId = UUID.randomUUID();
        TestData.publishDataset(TestData.validated(datasetId, owner, 100));
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> io.finetune.scheduler.entity.Dataset.findById(datasetId) != null));
        UUID id = UUID.fromString(given().header("X-Owner", owner).contentType(ContentType.JSON)
                .body(Map.of("name", "train-" + UUID.randomUUID().toString().substring(0, 8), "datasetId", datasetId,
                        "epochs", 1))
                .post("/jobs").then().statusCode(201).body("kind", equalTo("training")).extract().path("id"));
        download(owner, id).statusCode(404);
    }

    private ValidatableResponse submit(String model, Map<String, Object> body) {
        return given().header("X-Owner", owner).contentType(ContentType.JSON).body(new HashMap<>(body))
                .post("/models/{model}/predictions", model).then();
    }

    private static ValidatableResponse download(String owner, UUID id) {
        return given().header("X-Owner", owner).get("/jobs/{id}/predictions", id).then();
    }

    private UUID dataset(List<String> columns) {
        UUID id = UUID.randomUUID();
        TestData.publishDataset(validated(id, columns));
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> io.finetune.scheduler.entity.Dataset.findById(id) != null));
        return id;
    }

    private DatasetEvent validated(UUID id, List<String> columns) {
        return new DatasetEvent(UUID.randomUUID(), DatasetEvent.VALIDATED, Instant.now(), 2, id, owner, "inputs.csv",
                id + "/data", 10L, 1000L, columns, List.of(), "0".repeat(64), DatasetEvent.PREDICTION);
    }

    private void registerVersion(String model, int version, String artifactUri) {
        QuarkusTransaction.requiringNew().run(() -> {
            ModelVersion v = new ModelVersion();
            v.owner = owner;
            v.model = model;
            v.version = version;
            v.jobId = UUID.randomUUID();
            v.jobName = model + "-" + version;
            v.recipe = "tabular-classification";
            v.artifactUri = artifactUri;
            v.datasetId = UUID.randomUUID();
            v.card = new ModelCard("tabular-classification", null, Map.of(), Map.of(), List.of(),
                    new ModelCard.ModelSchema(INPUTS.stream()
                            .map(n -> new ModelCard.Field(n, ModelCard.Field.NUMBER, null)).toList(),
                            List.of("fail", "ok")),
                    42, 1000, "cpu", artifactUri, null);
            v.registeredAt = Instant.now();
            v.persist();
        });
    }

    private static TrainingEvent succeeded(Job job, String resultUri) {
        return new TrainingEvent(UUID.randomUUID(), TrainingEvent.SUCCEEDED, Instant.now(),
                TrainingEvent.sequenceBase(job.attempt) + 2, job.id, job.owner, job.attempt, "worker-test", "cpu",
                null, 0, null, null, null, null, null, 1200L, null, null, null, null, null, resultUri);
    }

    private void store(String key, String content) throws Exception {
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType("text/csv").build());
    }
}
