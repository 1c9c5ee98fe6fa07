package io.finetune.trainer.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.recipes.Recipe;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.support.TestDatasets;
import io.finetune.trainer.support.TrainingEventsReader;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The worker against the test broker and S3 store: dispatch in, events and model out. */
@QuarkusTest
class TrainerWorkerTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @Inject
    MinioClient minio;

    @Inject
    ObjectMapper objectMapper;

    @Inject
    TrainerConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void trainsADispatchedJobAndStoresItsModel() throws Exception {
        TrainingDispatch dispatch = dispatch(upload(TestDatasets.blobs(300, 5)), 4, 1);

        List<TrainingEvent> events;
        try (TrainingEventsReader reader = new TrainingEventsReader(bootstrapServers, objectMapper)) {
            send(dispatch);
            events = reader.until(dispatch.jobId(), TrainerWorkerTest::terminal, JOB_TIMEOUT);
        }

        assertEquals(List.of(TrainingEvent.STARTED, TrainingEvent.EPOCH_COMPLETED, TrainingEvent.EPOCH_COMPLETED,
                TrainingEvent.EPOCH_COMPLETED, TrainingEvent.EPOCH_COMPLETED, TrainingEvent.SUCCEEDED),
                events.stream().map(TrainingEvent::type).toList());
        assertEquals(List.of(1, 2, 3, 4), events.subList(1, 5).stream().map(TrainingEvent::epoch).toList());
        assertEquals(LongSequence.of(TrainingEvent.sequenceBase(1) + 1, 6),
                events.stream().map(TrainingEvent::sequence).toList());
        assertEquals(6, events.stream().map(TrainingEvent::eventId).distinct().count());
        for (TrainingEvent event : events) {
            assertEquals("alice-" + dispatch.jobId(), event.owner());
            assertEquals(1, event.attempt());
            assertEquals("trainer-test", event.worker());
            assertEquals("cpu", event.device());
            assertEquals(4, event.epochs());
        }
        TrainingEvent lastEpoch = events.get(4);
        assertTrue(lastEpoch.validationAccuracy() >= 0.9, "validation accuracy " + lastEpoch.validationAccuracy());
        assertEquals(0L, lastEpoch.remainingMillis());

        TrainingEvent succeeded = events.get(5);
        String prefix = dispatch.jobId() + "/attempt-1/";
        assertEquals("s3://models/" + prefix, succeeded.modelUri());
        assertEquals(lastEpoch.validationAccuracy(), succeeded.validationAccuracy());
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket("models").object(prefix + "model.json").build())) {
            JsonNode descriptor = objectMapper.readTree(in);
            assertEquals(3, descriptor.get("classes").size());
            assertEquals(dispatch.jobId().toString(), descriptor.get("jobId").asText());
        }
        minio.statObject(io.minio.StatObjectArgs.builder().bucket("models").object(prefix + "model-0004.params").build());
    }

    @Test
    void aBadDatasetFailsTheJobWithAClearMessageAndTheWorkerGoesOn() throws Exception {
        TrainingDispatch bad = dispatch(upload(TestDatasets.withTextInX2(50, 9, 7)), 3, 2);
        TrainingDispatch next = dispatch(upload(TestDatasets.blobs(100, 9)), 1, 1);

        try (TrainingEventsReader reader = new TrainingEventsReader(bootstrapServers, objectMapper)) {
            send(bad);
            List<TrainingEvent> failed = reader.until(bad.jobId(), TrainerWorkerTest::terminal, JOB_TIMEOUT);
            assertEquals(List.of(TrainingEvent.STARTED, TrainingEvent.FAILED), failed.stream().map(TrainingEvent::type).toList());
            TrainingEvent failure = failed.get(1);
            assertEquals("Line 8, column 'x2': 'twelve' is not a number; every feature column must be numeric.",
                    failure.message());
            assertNull(failure.modelUri());
            assertEquals(TrainingEvent.sequenceBase(2) + 2, failure.sequence());

            send(next);
            List<TrainingEvent> after = reader.until(next.jobId(), TrainerWorkerTest::terminal, JOB_TIMEOUT);
            assertEquals(TrainingEvent.SUCCEEDED, after.get(after.size() - 1).type());
        }
    }

    @Test
    void aMissingDatasetFailsTheJob() throws Exception {
        TrainingDispatch dispatch = dispatch("trainer-test/" + UUID.randomUUID() + ".csv", 1, 1);
        try (TrainingEventsReader reader = new TrainingEventsReader(bootstrapServers, objectMapper)) {
            send(dispatch);
            TrainingEvent last = reader.until(dispatch.jobId(), TrainerWorkerTest::terminal, JOB_TIMEOUT).get(1);
            assertEquals(TrainingEvent.FAILED, last.type());
            assertNotNull(last.message());
            assertTrue(last.message().startsWith("The dataset file is missing from storage"), last.message());
        }
    }

    private static boolean terminal(TrainingEvent event) {
        return TrainingEvent.SUCCEEDED.equals(event.type()) || TrainingEvent.FAILED.equals(event.type());
    }

    private TrainingDispatch dispatch(String objectKey, int epochs, int attempt) {
        UUID jobId = UUID.randomUUID();
        return new TrainingDispatch(UUID.randomUUID(), TrainingDispatch.TYPE, Instant.now(), 3, jobId, "alice-" + jobId,
                "job-" + jobId, UUID.randomUUID(), objectKey, Recipe.TABULAR_CLASSIFICATION.wireName(), epochs,
                Map.of("learningRate", 0.01, "batchSize", 32, "hiddenUnits", 32, "validationSplit", 0.2, "seed", 42),
                attempt);
    }

    private String upload(String csv) throws Exception {
        String bucket = config.storage().datasetsBucket();
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            try {
                minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            } catch (ErrorResponseException e) {
                // another module's test created it meanwhile
            }
        }
        String key = "trainer-test/" + UUID.randomUUID() + ".csv";
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType("text/csv").build());
        return key;
    }

    private void send(TrainingDispatch dispatch) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(config.dispatch().topic(), dispatch.jobId().toString(),
                    objectMapper.writeValueAsString(dispatch))).get();
        }
    }

    private static final class LongSequence {
        static List<Long> of(long first, int count) {
            return IntStream.range(0, count).mapToObj(i -> first + i).toList();
        }
    }
}
