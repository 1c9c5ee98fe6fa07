package io.finetune.trainer.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingControl;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.recipes.Recipe;
import io.finetune.trainer.config.TrainerConfig;
import io.minio.BucketExistsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the tests do to the worker from outside: datasets into S3, dispatches and commands into Kafka. */
public final class WorkerClient {

    public static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    private final MinioClient minio;
    private final ObjectMapper objectMapper;
    private final TrainerConfig config;
    private final String bootstrapServers;

    public WorkerClient(MinioClient minio, ObjectMapper objectMapper, TrainerConfig config, String bootstrapServers) {
        this.minio = minio;
        this.objectMapper = objectMapper;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    /** A dispatch of a fresh job on {@code objectKey} with the given tabular hyperparameters over small defaults. */
    public static TrainingDispatch dispatch(String objectKey, int epochs, int attempt, Map<String, Object> hyperparameters) {
        return dispatch(objectKey, epochs, attempt, hyperparameters, null);
    }

    /** @param warmStartUri the artifact of the model's latest version, as the scheduler names it, or null */
    public static TrainingDispatch dispatch(String objectKey, int epochs, int attempt, Map<String, Object> hyperparameters,
            String warmStartUri) {
        UUID jobId = UUID.randomUUID();
        Map<String, Object> all = new java.util.HashMap<>(
                Map.of("learningRate", 0.01, "batchSize", 32, "hiddenUnits", 32, "validationSplit", 0.2, "seed", 42));
        all.putAll(hyperparameters);
        return new TrainingDispatch(UUID.randomUUID(), TrainingDispatch.TYPE, Instant.now(), 3, jobId, "user-" + jobId,
                "job-" + jobId, UUID.randomUUID(), objectKey, Recipe.TABULAR_CLASSIFICATION.wireName(), epochs, all,
                attempt, "job-" + jobId, warmStartUri);
    }

    /** The same job dispatched again, as the scheduler requeues it. */
    public static TrainingDispatch again(TrainingDispatch dispatch, int attempt) {
        return new TrainingDispatch(UUID.randomUUID(), dispatch.type(), Instant.now(), dispatch.sequence() + 1,
                dispatch.jobId(), dispatch.owner(), dispatch.name(), dispatch.datasetId(), dispatch.datasetObjectKey(),
                dispatch.recipe(), dispatch.epochs(), dispatch.hyperparameters(), attempt,
                dispatch.model(), dispatch.warmStartUri(), dispatch.kind(), dispatch.modelVersion(), dispatch.modelUri(),
                dispatch.baseModel());
    }

    /** The dispatch as the scheduler sends it for a job that starts from the pinned base model {@code reference}. */
    public static TrainingDispatch withBaseModel(TrainingDispatch dispatch, String reference) {
        return new TrainingDispatch(dispatch.eventId(), dispatch.type(), dispatch.time(), dispatch.sequence(),
                dispatch.jobId(), dispatch.owner(), dispatch.name(), dispatch.datasetId(), dispatch.datasetObjectKey(),
                dispatch.recipe(), dispatch.epochs(), dispatch.hyperparameters(), dispatch.attempt(),
                dispatch.model(), dispatch.warmStartUri(), dispatch.kind(), dispatch.modelVersion(), dispatch.modelUri(),
                reference);
    }

    public String upload(String csv) throws Exception {
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

    public RecordMetadata send(TrainingDispatch dispatch) throws Exception {
        return send(config.dispatch().topic(), dispatch.jobId().toString(), objectMapper.writeValueAsString(dispatch));
    }

    /** A command on the real control topic, as the scheduler sends it. */
    public void command(TrainingDispatch dispatch, String type) throws Exception {
        TrainingControl control = new TrainingControl(UUID.randomUUID(), type, Instant.now(), dispatch.sequence() + 1,
                dispatch.jobId(), dispatch.attempt(), "test " + type);
        send(Topics.TRAINING_CONTROL, dispatch.jobId().toString(), objectMapper.writeValueAsString(control));
    }

    public RecordMetadata send(String topic, String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** The job's events of this dispatch's attempt, up to and including the first that {@code last} accepts. */
    public List<TrainingEvent> events(TopicTail tail, TrainingDispatch dispatch, Predicate<TrainingEvent> last) {
        return tail.until(dispatch.jobId().toString(), json -> {
            TrainingEvent event = read(json);
            return event.attempt() == dispatch.attempt() && last.test(event);
        }, JOB_TIMEOUT).stream().map(this::read).filter(e -> e.attempt() == dispatch.attempt()).toList();
    }

    /** Sends the dispatch and answers its attempt's events up to the attempt's end. */
    public List<TrainingEvent> run(TrainingDispatch dispatch) throws Exception {
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            send(dispatch);
            return events(tail, dispatch, WorkerClient::terminal);
        }
    }

    public static TrainingEvent last(List<TrainingEvent> events) {
        return events.get(events.size() - 1);
    }

    public static boolean terminal(TrainingEvent event) {
        return List.of(TrainingEvent.SUCCEEDED, TrainingEvent.FAILED, TrainingEvent.CANCELLED, TrainingEvent.PREEMPTED)
                .contains(event.type());
    }

    /** The events without heartbeats, whose number depends on timing. */
    public static List<TrainingEvent> withoutHeartbeats(List<TrainingEvent> events) {
        return events.stream().filter(e -> !TrainingEvent.HEARTBEAT.equals(e.type())).toList();
    }

    public static List<Integer> epochs(List<TrainingEvent> events) {
        return events.stream().filter(e -> TrainingEvent.EPOCH_COMPLETED.equals(e.type())).map(TrainingEvent::epoch)
                .toList();
    }

    /** Every object key in the models bucket below {@code prefix}. */
    public List<String> modelObjects(String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : minio.listObjects(ListObjectsArgs.builder().bucket(config.storage().modelsBucket())
                .prefix(prefix).recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    public TrainingEvent read(String json) {
        try {
            return objectMapper.readValue(json, TrainingEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
