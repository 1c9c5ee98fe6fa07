package io.finetune.trainer.recipe;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.recipes.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@link Recipe#TABULAR_CLASSIFICATION}: standardized numeric features, an MLP with two hidden
 * layers, Adam and softmax cross-entropy, a seeded train/validation split.
 */
@ApplicationScoped
public class TabularClassificationRecipe implements TrainingRecipe {

    /** The name of the saved parameters: {@code model-<epoch>.params}. */
    public static final String MODEL_NAME = "model";
    public static final String DESCRIPTOR_FILE = "model.json";
    public static final String CHECKPOINT_FILE = "checkpoint.json";
    private static final int HIDDEN_LAYERS = 2;

    private final ObjectMapper objectMapper;

    public TabularClassificationRecipe(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    @Override
    public Recipe recipe() {
        return Recipe.TABULAR_CLASSIFICATION;
    }

    @Override
    public TrainingResult train(TrainingRequest request, InputStream dataset, Path outputDir, TrainingMonitor monitor)
            throws IOException {
        TabularHyperparameters hp = TabularHyperparameters.from(request.hyperparameters());
        LabeledTable table = LabeledTable.read(dataset);
        CheckpointState resumed = request.resumeFrom() == null ? null
                : objectMapper.readValue(request.resumeFrom().dir().resolve(CHECKPOINT_FILE).toFile(), CheckpointState.class);
        List<String> classes = table.classes();
        if (classes.size() < 2) {
            throw new TrainingInputException("The '" + Recipe.LABEL_COLUMN + "' column has only one value ("
                    + classes.get(0) + "); a classifier needs at least 2.");
        }
        Split split = Split.of(table.size(), hp.validationSplit(), hp.seed());
        Normalization normalization = Normalization.fit(table, split.train());
        if (resumed != null) {
            // The checkpoint's mapping wins: class indexes and scaling must mean what they meant when it was saved
            resumed.check(table, classes);
            classes = resumed.classes();
            normalization = resumed.normalization();
        }
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        int features = table.featureNames().size();

        // Seeds the engine's weight initialisation and DJL's batch shuffling
        Engine.getInstance().setRandomSeed(hp.seed());
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance(MODEL_NAME)) {
            model.setBlock(mlp(hp.hiddenUnits(), classes.size()));
            if (resumed != null) {
                // One folder per checkpoint and the epoch named: load never picks another file's parameters
                model.load(request.resumeFrom().dir(), MODEL_NAME, Map.of("epoch", resumed.epoch()));
            }
            ArrayDataset train = arrays(manager, table, split.train(), classIndex, normalization, hp.batchSize(), true);
            ArrayDataset validation = arrays(manager, table, split.validation(), classIndex, normalization,
                    hp.batchSize(), false);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) hp.learningRate())).build());
            Run run = new Run(model, resumed == null ? 0 : resumed.epoch(), classes, table.featureNames(), normalization,
                    hp, resumed == null ? null : resumed.metrics());
            try (Trainer trainer = model.newTrainer(config)) {
                // Keeps loaded parameters; initializes fresh ones
                trainer.initialize(new Shape(1, features));
                long start = System.nanoTime();
                int firstEpoch = run.completed + 1;
                for (int epoch = firstEpoch; epoch <= request.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    Totals trained = pass(trainer, train, monitor, run);
                    double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                    Totals validated = pass(trainer, validation, null, run);
                    long elapsed = (System.nanoTime() - start) / 1_000_000;
                    long remaining = elapsed / (epoch - firstEpoch + 1) * (request.epochs() - epoch);
                    run.completed = epoch;
                    run.last = new EpochMetrics(epoch, request.epochs(), trained.meanLoss(), trained.accuracy(),
                            validated.meanLoss(), validated.accuracy(), trained.samples / Math.max(trainSeconds, 1e-9),
                            elapsed, remaining);
                    monitor.epochCompleted(run.last, run);
                }
            }
            model.setProperty("Epoch", String.valueOf(request.epochs()));
            model.save(outputDir, MODEL_NAME);
            Map<String, Object> hyperparameters = hp.asMap();
            objectMapper.writerWithDefaultPrettyPrinter().writeValue(outputDir.resolve(DESCRIPTOR_FILE).toFile(),
                    new ModelDescriptor(recipe().wireName(), request.jobId().toString(), request.attempt(), MODEL_NAME,
                            classes, table.featureNames(), normalization, hp.hiddenUnits(), HIDDEN_LAYERS,
                            hyperparameters, hp.seed(), request.epochs(), run.last));
            return new TrainingResult(run.last, hyperparameters);
        } catch (MalformedModelException e) {
            throw new IOException("the checkpoint's parameters do not fit the model", e);
        } catch (TranslateException e) {
            throw new IllegalStateException("DJL could not batch the dataset", e);
        }
    }

    /** The run's progress as a checkpoint sees it. */
    private final class Run implements TrainingState {
        private final Model model;
        private final List<String> classes;
        private final List<String> features;
        private final Normalization normalization;
        private final TabularHyperparameters hp;
        private int completed;
        private EpochMetrics last;

        Run(Model model, int completed, List<String> classes, List<String> features, Normalization normalization,
                TabularHyperparameters hp, EpochMetrics last) {
            this.model = model;
            this.completed = completed;
            this.classes = classes;
            this.features = features;
            this.normalization = normalization;
            this.hp = hp;
            this.last = last;
        }

        @Override
        public int completedEpochs() {
            return completed;
        }

        @Override
        public void writeCheckpoint(Path dir) throws IOException {
            model.setProperty("Epoch", String.valueOf(completed));
            model.save(dir, MODEL_NAME);
            objectMapper.writeValue(dir.resolve(CHECKPOINT_FILE).toFile(),
                    new CheckpointState(completed, classes, features, normalization, hp.hiddenUnits(), last));
        }
    }

    static Block mlp(int hiddenUnits, int classes) {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < HIDDEN_LAYERS; i++) {
            block.add(Linear.builder().setUnits(hiddenUnits).build()).add(Activation.reluBlock());
        }
        return block.add(Linear.builder().setUnits(classes).build());
    }

    static ArrayDataset arrays(NDManager manager, LabeledTable table, int[] rows, Map<String, Integer> classIndex,
            Normalization normalization, int batchSize, boolean shuffle) {
        int features = table.featureNames().size();
        float[] x = new float[rows.length * features];
        float[] y = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            normalization.apply(table.row(rows[i]), x, i * features);
            y[i] = classIndex.get(table.label(rows[i]));
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(rows.length, features)))
                .optLabels(manager.create(y))
                .setSampling(batchSize, shuffle)
                .build();
    }

    /**
     * One pass over {@code data}: a training step per batch, each asked of {@code monitor} first,
     * or evaluation only when {@code monitor} is null.
     */
    private static Totals pass(Trainer trainer, ArrayDataset data, TrainingMonitor monitor, TrainingState state)
            throws IOException, TranslateException {
        Totals totals = new Totals();
        for (Batch batch : trainer.iterateDataset(data)) {
            try (batch) {
                NDList labels = batch.getLabels();
                if (monitor != null) {
                    monitor.beforeStep(state);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDList predictions = trainer.forward(batch.getData(), labels);
                        NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                        collector.backward(loss);
                        totals.add(loss, predictions, labels);
                    }
                    trainer.step();
                } else {
                    NDList predictions = trainer.evaluate(batch.getData());
                    totals.add(trainer.getLoss().evaluate(labels, predictions), predictions, labels);
                }
            }
        }
        return totals;
    }

    /** Sums over a pass, so that loss and accuracy are means over samples, not over batches. */
    private static final class Totals {
        private double lossSum;
        private long correct;
        private long samples;

        void add(NDArray meanLoss, NDList predictions, NDList labels) {
            NDArray expected = labels.singletonOrThrow();
            long size = expected.getShape().get(0);
            lossSum += meanLoss.getFloat() * size;
            correct += predictions.singletonOrThrow().argMax(1)
                    .eq(expected.toType(DataType.INT64, false)).countNonzero().getLong();
            samples += size;
        }

        double meanLoss() {
            return samples == 0 ? 0 : lossSum / samples;
        }

        double accuracy() {
            return samples == 0 ? 0 : (double) correct / samples;
        }
    }

    /** A deterministic split: the same rows, seed and share always hold out the same rows. */
    record Split(int[] train, int[] validation) {

        static Split of(int rows, double validationShare, int seed) {
            List<Integer> order = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, new Random(seed));
            int held = (int) Math.min(rows - 1, Math.max(1, Math.round(rows * validationShare)));
            int[] validation = order.subList(0, held).stream().mapToInt(Integer::intValue).sorted().toArray();
            int[] train = order.subList(held, rows).stream().mapToInt(Integer::intValue).sorted().toArray();
            return new Split(train, validation);
        }
    }

    /** Per-feature standardization fitted on the training rows only, so validation stays unseen. */
    public record Normalization(double[] means, double[] stds) {

        static Normalization fit(LabeledTable table, int[] rows) {
            int features = table.featureNames().size();
            double[] means = new double[features];
            double[] squares = new double[features];
            for (int row : rows) {
                float[] values = table.row(row);
                for (int f = 0; f < features; f++) {
                    means[f] += values[f];
                    squares[f] += (double) values[f] * values[f];
                }
            }
            double[] stds = new double[features];
            for (int f = 0; f < features; f++) {
                means[f] /= rows.length;
                double variance = Math.max(0, squares[f] / rows.length - means[f] * means[f]);
                // A constant column carries no information; dividing by 1 keeps it finite
                stds[f] = variance > 1e-12 ? Math.sqrt(variance) : 1;
            }
            return new Normalization(means, stds);
        }

        void apply(float[] values, float[] into, int offset) {
            for (int f = 0; f < values.length; f++) {
                into[offset + f] = (float) ((values[f] - means[f]) / stds[f]);
            }
        }
    }

    /** {@value #CHECKPOINT_FILE}: what resuming needs besides the parameters. */
    public record CheckpointState(
            int epoch,
            List<String> classes,
            List<String> features,
            Normalization normalization,
            int hiddenUnits,
            EpochMetrics metrics) {

        /** The dataset must still be the one the checkpoint was trained on, in shape. */
        void check(LabeledTable table, List<String> datasetClasses) {
            if (!features.equals(table.featureNames()) || !classes.containsAll(datasetClasses)) {
                throw new TrainingInputException("The dataset no longer matches the job's checkpoint (features "
                        + features + ", classes " + classes + "; now " + table.featureNames() + ", " + datasetClasses
                        + "); submit a new job.");
            }
        }
    }

    /** {@value #DESCRIPTOR_FILE}: what serving needs besides the parameters, and how the model was made. */
    public record ModelDescriptor(
            String recipe,
            String jobId,
            int attempt,
            String modelName,
            List<String> classes,
            List<String> features,
            Normalization normalization,
            int hiddenUnits,
            int hiddenLayers,
            Map<String, Object> hyperparameters,
            int seed,
            int epochs,
            EpochMetrics metrics) {
    }
}
