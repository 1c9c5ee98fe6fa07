package io.finetune.trainer.messaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.recipes.support.TestDatasets;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.support.TopicTail;
import io.finetune.trainer.support.WorkerClient;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker against the test broker and S3 store: a dispatch in, events and a model out. */
@QuarkusTest
class TrainerWorkerTest {

    private static final Duration JOB_TIMEOUT = WorkerClient.JOB_TIMEOUT;

    @Inject
    MinioClient minio;

    @Inject
    ObjectMapper objectMapper;

    @Inject
    TrainerConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private WorkerClient client;

    @BeforeEach
    void client() {
        client = new WorkerClient(minio, objectMapper, config, bootstrapServers);
    }

    private static TrainingDispatch dispatch(String objectKey, int epochs, int attempt) {
        return WorkerClient.dispatch(objectKey, epochs, attempt, Map.of());
    }

    private String upload(String csv) throws Exception {
        return client.upload(csv);
    }

    private List<TrainingEvent> events(TopicTail tail, TrainingDispatch dispatch, Predicate<TrainingEvent> last) {
        return client.events(tail, dispatch, last);
    }

    @Test
    void trainsADispatchedJobAndStoresItsModel() throws Exception {
        TrainingDispatch dispatch = dispatch(upload(TestDatasets.blobs(300, 5)), 4, 1);

        List<TrainingEvent> events = new ArrayList<>();
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            RecordMetadata sent = client.send(dispatch);
            events.addAll(events(tail, dispatch, e -> TrainingEvent.STARTED.equals(e.type())));
            // Taken means committed: the group is past the dispatch before training begins
            assertEquals(sent.offset() + 1, committedOffset(new TopicPartition(sent.topic(), sent.partition())));
            events.addAll(events(tail, dispatch, WorkerClient::terminal));
        }
        long base = TrainingEvent.sequenceBase(1);
        // Sequences count every event, heartbeats included, without gaps
        assertEquals(LongStream.rangeClosed(base + 1, base + events.size()).boxed().toList(),
                events.stream().map(TrainingEvent::sequence).toList());
        assertEquals(events.size(), events.stream().map(TrainingEvent::eventId).distinct().count());
        events = WorkerClient.withoutHeartbeats(events);

        assertEquals(List.of(TrainingEvent.STARTED, TrainingEvent.EPOCH_COMPLETED, TrainingEvent.EPOCH_COMPLETED,
                TrainingEvent.EPOCH_COMPLETED, TrainingEvent.EPOCH_COMPLETED, TrainingEvent.SUCCEEDED),
                events.stream().map(TrainingEvent::type).toList());
        assertEquals(List.of(1, 2, 3, 4), events.subList(1, 5).stream().map(TrainingEvent::epoch).toList());
        for (TrainingEvent event : events) {
            assertEquals(dispatch.owner(), event.owner());
            assertEquals(1, event.attempt());
            assertEquals("trainer-test", event.worker());
            assertEquals("cpu", event.device());
            assertEquals(4, event.epochs());
        }
        TrainingEvent lastEpoch = events.get(4);
        assertTrue(lastEpoch.validationAccuracy() >= 0.9, "validation accuracy " + lastEpoch.validationAccuracy());
        assertTrue(lastEpoch.samplesPerSecond() > 0 && lastEpoch.elapsedMillis() > 0);
        assertEquals(0L, lastEpoch.remainingMillis());

        TrainingEvent succeeded = events.get(5);
        String prefix = dispatch.jobId() + "/attempt-1/";
        assertEquals("s3://models/" + prefix, succeeded.modelUri());
        assertEquals(lastEpoch.validationAccuracy(), succeeded.validationAccuracy());
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket("models").object(prefix + "model.json").build())) {
            JsonNode descriptor = objectMapper.readTree(in);
            assertEquals(3, descriptor.get("classes").size());
            assertEquals(dispatch.jobId().toString(), descriptor.get("jobId").asText());
            assertEquals(42, descriptor.get("seed").asInt());
        }
        minio.statObject(StatObjectArgs.builder().bucket("models").object(prefix + "model-0004.params").build());

        ModelCard card = succeeded.model();
        assertEquals("tabular-classification", card.recipe());
        assertNull(card.baseModel());
        assertEquals(dispatch.hyperparameters(), card.hyperparameters());
        assertEquals(Map.of(ModelCard.VALIDATION_ACCURACY, lastEpoch.validationAccuracy(),
                ModelCard.VALIDATION_LOSS, lastEpoch.validationLoss(), ModelCard.TRAIN_ACCURACY, lastEpoch.trainAccuracy(),
                ModelCard.TRAIN_LOSS, lastEpoch.trainLoss()), card.metrics());
        assertEquals(List.of("setosa", "versicolor", "virginica"),
                card.classes().stream().map(ModelCard.ClassMetrics::label).toList());
        // 300 rows, 20 % held out for validation
        assertEquals(60, card.classes().stream().mapToLong(ModelCard.ClassMetrics::support).sum());
        card.classes().forEach(c -> assertTrue(c.f1() > 0.8 && c.precision() > 0 && c.recall() > 0, c.toString()));
        assertEquals(new ModelCard.ModelSchema(List.of(number("x1"), number("x2"), number("x3")),
                List.of("setosa", "versicolor", "virginica")), card.schema());
        assertEquals(42, card.seed());
        assertTrue(card.durationMillis() >= lastEpoch.elapsedMillis(), card.durationMillis() + " ms");
        assertEquals("cpu", card.hardware());
        assertEquals(succeeded.modelUri(), card.artifactUri());
        assertNull(card.warmStartedFrom());

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("trainer_epochs_total"), containsString("trainer_epoch_seconds_count"),
                        // every outcome's series exists from start-up; this job counted as a success
                        matchesPattern("(?s).*\\ntrainer_jobs_total\\{outcome=\"succeeded\"} [1-9].*"),
                        matchesPattern("(?s).*\\ntrainer_job_seconds_count\\{outcome=\"succeeded\"} [1-9].*"),
                        containsString("trainer_jobs_total{outcome=\"failed\"}"),
                        containsString("trainer_jobs_total{outcome=\"cancelled\"}"),
                        containsString("trainer_jobs_total{outcome=\"preempted\"}"),
                        containsString("trainer_busy"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aRetrainStartsFromTheModelsLatestVersionWhenItsSchemaMatches() throws Exception {
        String previousData = upload(TestDatasets.blobs(400, 31));
        String data = upload(TestDatasets.blobs(400, 32));
        // One epoch at a slow learning rate shows where training starts
        Map<String, Object> slow = Map.of("learningRate", 0.001);
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            TrainingDispatch first = dispatch(previousData, 5, 1);
            client.send(first);
            String previous = WorkerClient.last(events(tail, first, WorkerClient::terminal)).modelUri();

            TrainingDispatch cold = WorkerClient.dispatch(data, 1, 1, slow, null);
            TrainingDispatch warm = WorkerClient.dispatch(data, 1, 1, slow, previous);
            TrainingDispatch gone = WorkerClient.dispatch(data, 1, 1, slow, "s3://models/" + UUID.randomUUID() + "/attempt-1/");
            client.send(cold);
            TrainingEvent coldDone = WorkerClient.last(events(tail, cold, WorkerClient::terminal));
            client.send(warm);
            TrainingEvent warmDone = WorkerClient.last(events(tail, warm, WorkerClient::terminal));
            client.send(gone);
            TrainingEvent goneDone = WorkerClient.last(events(tail, gone, WorkerClient::terminal));

            assertEquals(List.of(TrainingEvent.SUCCEEDED, TrainingEvent.SUCCEEDED, TrainingEvent.SUCCEEDED),
                    List.of(coldDone.type(), warmDone.type(), goneDone.type()));
            assertEquals(previous, warmDone.model().warmStartedFrom());
            assertNull(coldDone.model().warmStartedFrom());
            // A version that is gone: trained from scratch, and the card says so
            assertNull(goneDone.model().warmStartedFrom());
            // Same data, seed and epoch: the warm start is at least as accurate, and its loss lower
            assertTrue(warmDone.validationAccuracy() >= coldDone.validationAccuracy(),
                    warmDone.validationAccuracy() + " vs " + coldDone.validationAccuracy());
            assertTrue(warmDone.trainLoss() < coldDone.trainLoss(), warmDone.trainLoss() + " vs " + coldDone.trainLoss());
        }
    }

    @Test
    void aBadDatasetFailsTheJobWithAClearMessageAndTheWorkerTakesTheNextJob() throws Exception {
        TrainingDispatch bad = dispatch(upload(TestDatasets.withTextInX2(50, 9, 7)), 3, 2);
        TrainingDispatch next = dispatch(upload(TestDatasets.blobs(100, 9)), 1, 1);

        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(bad);
            List<TrainingEvent> failed = WorkerClient.withoutHeartbeats(events(tail, bad, WorkerClient::terminal));
            assertEquals(List.of(TrainingEvent.STARTED, TrainingEvent.FAILED), failed.stream().map(TrainingEvent::type).toList());
            TrainingEvent failure = failed.get(1);
            assertEquals("Line 8, column 'x2': 'twelve' is not a number; every feature column must be numeric.",
                    failure.message());
            assertEquals(TrainingEvent.USER_DATA, failure.errorKind());
            assertNull(failure.modelUri());
            assertEquals(2, failure.attempt());

            client.send(next);
            List<TrainingEvent> after = events(tail, next, WorkerClient::terminal);
            assertEquals(TrainingEvent.SUCCEEDED, after.get(after.size() - 1).type());
        }
    }

    @Test
    void aMissingDatasetFailsTheJob() throws Exception {
        TrainingDispatch dispatch = dispatch("trainer-test/" + UUID.randomUUID() + ".csv", 1, 1);
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(dispatch);
            List<TrainingEvent> events = events(tail, dispatch, WorkerClient::terminal);
            TrainingEvent last = events.get(events.size() - 1);
            assertEquals(TrainingEvent.FAILED, last.type());
            assertTrue(last.message().startsWith("The dataset file is missing from storage"), last.message());
            // The object is gone for good: retrying cannot help, the user must upload again
            assertEquals(TrainingEvent.USER_DATA, last.errorKind());
        }
    }

    @Test
    void anUnreadableDispatchGoesToTheDeadLetterTopicAndTheWorkerGoesOn() throws Exception {
        String key = UUID.randomUUID().toString();
        TrainingDispatch next = dispatch(upload(TestDatasets.blobs(100, 4)), 1, 1);
        try (TopicTail deadLetters = new TopicTail(bootstrapServers, "dead-letter.trainer-worker");
                TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(config.dispatch().topic(), key, "{not json");
            assertEquals(List.of("{not json"), deadLetters.until(key, value -> true, JOB_TIMEOUT));

            client.send(next);
            List<TrainingEvent> events = events(tail, next, WorkerClient::terminal);
            assertEquals(TrainingEvent.SUCCEEDED, events.get(events.size() - 1).type());
        }
    }


    private static ModelCard.Field number(String name) {
        return new ModelCard.Field(name, ModelCard.Field.NUMBER, null);
    }

    private long committedOffset(TopicPartition partition) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin
                    .listConsumerGroupOffsets(config.dispatch().group()).partitionsToOffsetAndMetadata().get();
            return offsets.get(partition).offset();
        }
    }
}
