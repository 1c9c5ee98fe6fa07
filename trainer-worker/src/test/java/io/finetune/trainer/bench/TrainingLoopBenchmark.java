package io.finetune.trainer.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.mlp.MlpClassificationRecipe.Examples;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import io.finetune.recipes.mlp.MlpHyperparameters;
import io.finetune.recipes.mlp.Normalization;
import io.finetune.recipes.mlp.Split;
import io.finetune.recipes.tabular.LabeledTable;
import io.finetune.recipes.tabular.TabularClassificationRecipe;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.service.TrainingService;
import io.finetune.trainer.support.TopicTail;
import io.finetune.trainer.support.WorkerClient;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@code dev/bench-trainer}: samples per second of the worker's training loop (a real job through
 * {@link TrainingService#run}: the step check before every batch, an event per epoch, a checkpoint
 * to the store after every epoch, heartbeats every 300 ms, i.e. 50 times as often as in production)
 * against a bare DJL loop on the same model, data, hyperparameters and engine threads, in the same
 * JVM, alternating, median of the rounds. Both compute the same per-batch loss and accuracy and
 * the same validation pass, so the ratio isolates what the worker adds. Not a unit test (the class
 * name keeps Surefire from picking it up); it prints its figures and asserts nothing about them.
 */
@QuarkusTest
class TrainingLoopBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 50_000);
    private static final int FEATURES = 32;
    private static final int CLASSES = 4;
    private static final int EPOCHS = Integer.getInteger("bench.epochs", 6);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final Map<String, Object> HYPERPARAMETERS = Map.of("learningRate", 0.001, "batchSize", 256,
            "hiddenUnits", 128, "validationSplit", 0.2, "seed", 42);

    @Inject
    TrainingService trainingService;

    @Inject
    MinioClient minio;

    @Inject
    ObjectMapper objectMapper;

    @Inject
    TrainerConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void workerLoopAgainstBareLoop() throws Exception {
        WorkerClient client = new WorkerClient(minio, objectMapper, config, bootstrapServers);
        String csv = dataset();
        String key = client.upload(csv);
        Examples table = TabularClassificationRecipe.examples(
                LabeledTable.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))));
        MlpHyperparameters hp = MlpHyperparameters.from(Recipe.TABULAR_CLASSIFICATION, HYPERPARAMETERS);
        int trainRows = Split.of(table.vectors().size(), hp.validationSplit(), hp.seed()).train().length;

        // Warm-up: JIT and the engine, not measured
        bare(table, hp, 1);
        worker(client, key, 1);
        List<Double> bare = new ArrayList<>();
        List<Double> worker = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            bare.add((double) trainRows * EPOCHS / (bare(table, hp, EPOCHS) / 1e3));
            worker.add((double) trainRows * EPOCHS / (worker(client, key, EPOCHS) / 1e3));
        }
        double bareMedian = median(bare);
        double workerMedian = median(worker);
        System.out.printf(Locale.ROOT, "bench-trainer: %d rows x %d features, %d classes, MLP %d-%d-%d-%d, batch %d, "
                + "%d epochs, %d rounds, DJL threads intra %s inter %s%n", ROWS, FEATURES, CLASSES, FEATURES,
                hp.hiddenUnits(), hp.hiddenUnits(), CLASSES, hp.batchSize(), EPOCHS, ROUNDS,
                System.getProperty("ai.djl.pytorch.num_threads"), System.getProperty("ai.djl.pytorch.num_interop_threads"));
        System.out.printf(Locale.ROOT, "bench-trainer: bare DJL loop     %,10.0f samples/s  (rounds %s)%n", bareMedian,
                rounded(bare));
        System.out.printf(Locale.ROOT, "bench-trainer: worker loop       %,10.0f samples/s  (rounds %s)%n", workerMedian,
                rounded(worker));
        System.out.printf(Locale.ROOT, "bench-trainer: ratio worker/bare %.3f (goal >= 0.95)%n", workerMedian / bareMedian);
        System.out.printf(Locale.ROOT, "bench-trainer: peak RSS of the JVM (Quarkus, Kafka and S3 clients, both loops) "
                + "%d MiB%n", peakRssKib() / 1024);
    }

    /** A real job through the worker; its training time is the last epoch's elapsed time, as the worker reports it. */
    private long worker(WorkerClient client, String key, int epochs) {
        TrainingDispatch dispatch = WorkerClient.dispatch(key, epochs, 1, HYPERPARAMETERS);
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            trainingService.run(dispatch);
            List<TrainingEvent> events = client.events(tail, dispatch, WorkerClient::terminal);
            TrainingEvent last = events.get(events.size() - 1);
            if (!TrainingEvent.SUCCEEDED.equals(last.type())) {
                throw new AssertionError("the benchmark job did not succeed: " + last);
            }
            return last.elapsedMillis();
        }
    }

    /** The same model, data and optimizer in a plain loop; milliseconds for {@code epochs} epochs. */
    private static long bare(Examples table, MlpHyperparameters hp, int epochs) throws Exception {
        Split split = Split.of(table.vectors().size(), hp.validationSplit(), hp.seed());
        Normalization normalization = Normalization.fit(table.vectors(), split.train());
        List<String> classes = List.copyOf(new TreeSet<>(table.labels()));
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        Engine.getInstance().setRandomSeed(hp.seed());
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("bare")) {
            model.setBlock(MlpClassificationRecipe.mlp(hp.hiddenUnits(), classes.size()));
            ArrayDataset train = MlpClassificationRecipe.arrays(manager, table, split.train(), classIndex,
                    normalization, hp.batchSize(), true);
            ArrayDataset validation = MlpClassificationRecipe.arrays(manager, table, split.validation(), classIndex,
                    normalization, hp.batchSize(), false);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) hp.learningRate())).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, normalization.width()));
                long start = System.nanoTime();
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    double[] totals = new double[3];
                    for (Batch batch : trainer.iterateDataset(train)) {
                        try (batch; GradientCollector collector = trainer.newGradientCollector()) {
                            NDList labels = batch.getLabels();
                            NDList predictions = trainer.forward(batch.getData(), labels);
                            NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                            collector.backward(loss);
                            add(totals, loss, predictions, labels);
                        }
                        trainer.step();
                    }
                    for (Batch batch : trainer.iterateDataset(validation)) {
                        try (batch) {
                            NDList predictions = trainer.evaluate(batch.getData());
                            add(totals, trainer.getLoss().evaluate(batch.getLabels(), predictions), predictions,
                                    batch.getLabels());
                        }
                    }
                }
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
    }

    /** The recipe's per-batch bookkeeping: loss sum, correct predictions, samples. */
    private static void add(double[] totals, NDArray meanLoss, NDList predictions, NDList labels) {
        NDArray expected = labels.singletonOrThrow();
        long size = expected.getShape().get(0);
        totals[0] += meanLoss.getFloat() * size;
        totals[1] += predictions.singletonOrThrow().argMax(1).eq(expected.toType(DataType.INT64, false)).countNonzero()
                .getLong();
        totals[2] += size;
    }

    /** Gaussian blobs in 32 dimensions, 4 classes. */
    private static String dataset() {
        Random random = new Random(7);
        double[][] centres = new double[CLASSES][FEATURES];
        for (double[] centre : centres) {
            for (int f = 0; f < FEATURES; f++) {
                centre[f] = random.nextGaussian();
            }
        }
        StringBuilder csv = new StringBuilder();
        for (int f = 0; f < FEATURES; f++) {
            csv.append('f').append(f).append(',');
        }
        csv.append("label\n");
        for (int i = 0; i < ROWS; i++) {
            int c = random.nextInt(CLASSES);
            for (int f = 0; f < FEATURES; f++) {
                csv.append(String.format(Locale.ROOT, "%.3f,", centres[c][f] + random.nextGaussian()));
            }
            csv.append("class").append(c).append('\n');
        }
        return csv.toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<Long> rounded(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }

    private static long peakRssKib() throws Exception {
        return Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(-1);
    }
}
