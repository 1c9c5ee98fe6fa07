package io.finetune.serving.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.common.events.ModelEvent;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.finetune.recipes.tabular.TabularClassificationRecipe;
import io.finetune.recipes.text.TextClassificationRecipe;
import io.finetune.serving.config.ServingConfig;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.UploadObjectArgs;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Real model artifacts in the real store, announced on the real topic as the scheduler does: a
 * tabular model trained here with the recipe the trainers use, uploaded under
 * {@code s3://models/serving-test/...}.
 */
@ApplicationScoped
public class TestModels {

    public static final String BUCKET = "models";

    /** Trained once per JVM and seed: training costs seconds, uploading a copy milliseconds. */
    private static final Map<Integer, Trained> TRAINED = new ConcurrentHashMap<>();
    private static volatile Trained text;

    public record Trained(Path dir, ModelCard.ModelSchema schema) {
    }

    private final TabularClassificationRecipe recipe;
    private final TextClassificationRecipe textRecipe;
    private final MinioClient minio;
    private final ObjectMapper json;
    private final String topic;
    private final KafkaProducer<String, String> producer;

    public TestModels(TabularClassificationRecipe recipe, TextClassificationRecipe textRecipe, MinioClient minio, ObjectMapper json, ServingConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.recipe = recipe;
        this.textRecipe = textRecipe;
        this.minio = minio;
        this.json = json;
        this.topic = config.topic().modelsEvents();
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    /** A model trained on the recipes' blobs dataset with this seed (the same seed, the same weights). */
    public Trained trained(int seed) {
        return TRAINED.computeIfAbsent(seed, s -> {
            try {
                Path dir = Files.createTempDirectory("serving-test-model-");
                TrainingResult result = recipe.train(
                        new TrainingRequest(UUID.randomUUID(), 1, 4, Map.of("seed", s), null, null),
                        new ByteArrayInputStream(blobs(600, s).getBytes(StandardCharsets.UTF_8)), dir,
                        (metrics, state) -> { });
                return new Trained(dir, result.schema());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * A text model (the frozen sentence encoder and a trained head) on short reviews, classes
     * {@code positive} and {@code negative}, with a {@code text} field of at most 200 characters.
     */
    public synchronized Trained trainedText() throws IOException {
        if (text == null) {
            Path dir = Files.createTempDirectory("serving-test-text-model-");
            TrainingResult result = textRecipe.train(
                    new TrainingRequest(UUID.randomUUID(), 1, 6, Map.of("seed", 3, "maxTextLength", 200), null, null),
                    new ByteArrayInputStream(reviews(240, 3).getBytes(StandardCharsets.UTF_8)), dir, (metrics, state) -> { });
            text = new Trained(dir, result.schema());
        }
        return text;
    }

    /** Uploads a copy of a trained model to a prefix of its own; returns its artifact URI. */
    public String upload(Trained model) throws Exception {
        String prefix = "serving-test/" + UUID.randomUUID() + "/";
        ensureBucket();
        try (Stream<Path> files = Files.walk(model.dir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                minio.uploadObject(UploadObjectArgs.builder().bucket(BUCKET)
                        .object(prefix + model.dir().relativize(file)).filename(file.toString()).build());
            }
        }
        return "s3://" + BUCKET + "/" + prefix;
    }

    /** A copy of a trained model whose files named by {@code broken} hold garbage instead. */
    public String uploadBroken(Trained model, String brokenSuffix) throws Exception {
        String uri = upload(model);
        String prefix = uri.substring(("s3://" + BUCKET + "/").length());
        try (Stream<Path> files = Files.walk(model.dir())) {
            for (Path file : files.filter(f -> f.toString().endsWith(brokenSuffix)).toList()) {
                byte[] garbage = "not a model".getBytes(StandardCharsets.UTF_8);
                minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object(prefix + model.dir().relativize(file))
                        .stream(new ByteArrayInputStream(garbage), garbage.length, -1).build());
            }
        }
        return uri;
    }

    /** Announces a version as the scheduler does when the job that trained it succeeds. */
    public ModelEvent publish(String owner, String model, int version, String artifactUri, ModelCard.ModelSchema schema)
            throws Exception {
        ModelCard card = new ModelCard("tabular-classification", null, Map.of(), Map.of(ModelCard.VALIDATION_ACCURACY, 0.95),
                List.of(), schema, 1, 1000, "cpu", artifactUri, null);
        ModelEvent event = new ModelEvent(UUID.randomUUID(), ModelEvent.VERSION_REGISTERED, Instant.now(), version, owner,
                model, version, UUID.randomUUID(), model + "-job-" + version, UUID.randomUUID(), null, card);
        send(ModelEvent.key(owner, model), json.writeValueAsString(event));
        return event;
    }

    public void send(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    /**
     * Three well separated Gaussian blobs: features {@code x1, x2, x3} ({@code x3} on a far larger
     * scale, so the recipe's standardization matters), classes {@code setosa, versicolor, virginica}.
     */
    static String blobs(int rows, long seed) {
        double[][] centres = {{0, 0, 0}, {4, 4, 0}, {0, 4, 4}};
        String[] classes = {"setosa", "versicolor", "virginica"};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("x1,x2,x3,label\n");
        for (int i = 0; i < rows; i++) {
            int c = i % classes.length;
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.2f,%s%n", centres[c][0] + random.nextGaussian(),
                    centres[c][1] + random.nextGaussian(), 1000 + 100 * (centres[c][2] + random.nextGaussian()), classes[c]));
        }
        return csv.toString();
    }

    /** Short reviews built from opinion words, half positive, half negative. */
    static String reviews(int rows, long seed) {
        String[] things = {"delivery", "product", "support team", "packaging", "price", "battery", "screen", "service"};
        String[] good = {"excellent", "great", "wonderful", "fantastic", "perfect", "really good"};
        String[] bad = {"terrible", "awful", "broken", "horrible", "disappointing", "really bad"};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < rows; i++) {
            boolean positive = i % 2 == 0;
            String[] words = positive ? good : bad;
            csv.append("the ").append(things[random.nextInt(things.length)]).append(" was ")
                    .append(words[random.nextInt(words.length)]).append(',').append(positive ? "positive" : "negative").append('\n');
        }
        return csv.toString();
    }

    private void ensureBucket() throws Exception {
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
