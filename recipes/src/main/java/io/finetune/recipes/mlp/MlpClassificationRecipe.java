package io.finetune.recipes.mlp;

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
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
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
import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.events.ModelCard;
import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.EpochMetrics;
import io.finetune.recipes.RecipeModelLoader;
import io.finetune.recipes.TrainedModel;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.TrainingMonitor;
import io.finetune.recipes.TrainingRecipe;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.finetune.recipes.TrainingState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * What the classification recipes share: each turns a dataset row into a feature vector of fixed
 * width (its own code), and this class standardizes the vectors, trains an MLP with two hidden
 * layers, Adam and softmax cross-entropy on a seeded train/validation split, writes checkpoints and
 * the artifact, continues from a checkpoint or a previous version, and predicts with the same steps.
 * A job that names a registered base model trains that TorchScript module (all its parameters) with a
 * new Linear head to the classes instead of the MLP: DJL's transfer-learning pattern.
 */
public abstract class MlpClassificationRecipe implements TrainingRecipe {

    private static final Logger LOG = Logger.getLogger(MlpClassificationRecipe.class);

    /** The name of the saved parameters: {@code model-<epoch>.params}. */
    public static final String MODEL_NAME = "model";
    public static final String DESCRIPTOR_FILE = RecipeModelLoader.DESCRIPTOR_FILE;
    public static final String CHECKPOINT_FILE = "checkpoint.json";
    static final int HIDDEN_LAYERS = 2;
    /** The fewest data rows a dataset may have: fewer leave nothing worth a validation split. */
    public static final int MIN_ROWS = 10;

    protected final ObjectMapper objectMapper;

    protected MlpClassificationRecipe(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    /** Only for the CDI client proxy of the @ApplicationScoped subclasses, which delegates every call. */
    protected MlpClassificationRecipe() {
        this(null);
    }

    /**
     * A dataset read into one feature vector and one label per row.
     *
     * @param inputs the fields a prediction input has, which {@link #vectors} turns into the same vectors
     */
    public record Examples(List<ModelCard.Field> inputs, List<float[]> vectors, List<String> labels) {
    }

    /** Reads the dataset into vectors of one width; the rows' problems are {@link TrainingInputException}s. */
    protected abstract Examples read(InputStream dataset, MlpHyperparameters hp) throws IOException;

    /** Turns prediction inputs, already checked against {@code inputs}, into vectors as {@link #read} does. */
    protected abstract List<float[]> vectors(List<Map<String, Object>> inputs, List<ModelCard.Field> fields);

    /** The pretrained model the vectors come from, or null. */
    protected abstract String baseModel();

    @Override
    public TrainingResult train(TrainingRequest request, InputStream dataset, Path outputDir, TrainingMonitor monitor)
            throws IOException {
        MlpHyperparameters hp = MlpHyperparameters.from(recipe(), request.hyperparameters());
        Examples examples = read(dataset, hp);
        // Sorted, so that a class index means the same for the same data
        List<String> classes = List.copyOf(new TreeSet<>(examples.labels()));
        if (classes.size() < 2) {
            throw new TrainingInputException("The '" + Recipe.LABEL_COLUMN + "' column has only one value ("
                    + classes.get(0) + "); a classifier needs at least 2.");
        }
        TrainingRequest.BaseModelFile base = request.baseModel();
        String backbone = base == null ? null : check(base.metadata(), examples);
        Split split = Split.of(examples.vectors().size(), hp.validationSplit(), hp.seed());
        Normalization normalization = Normalization.fit(examples.vectors(), split.train());
        Start start = start(request, examples, classes, hp, backbone);
        if (start.classes() != null) {
            // The loaded parameters' mapping wins: class indexes and scaling must mean what they meant when saved
            classes = start.classes();
            normalization = start.normalization();
        }
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }

        // Seeds the engine's weight initialisation and DJL's batch shuffling
        Engine.getInstance().setRandomSeed(hp.seed());
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance(MODEL_NAME)) {
            if (backbone == null) {
                model.setBlock(mlp(hp.hiddenUnits(), classes.size()));
            } else {
                // Saved parameters hold the fine-tuned module; only a fresh start reads the registered file
                model.setBlock(withHead(start.paramsDir() == null ? backbone(model, base.file()) : emptyBackbone(model),
                        classes.size()));
            }
            if (start.paramsDir() != null) {
                // The epoch named: load never picks another file's parameters
                model.load(start.paramsDir(), start.modelName(), Map.of("epoch", start.paramsEpoch()));
            }
            ArrayDataset train = arrays(manager, examples, split.train(), classIndex, normalization, hp.batchSize(), true);
            ArrayDataset validation = arrays(manager, examples, split.validation(), classIndex, normalization,
                    hp.batchSize(), false);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) hp.learningRate())).build());
            Run run = new Run(model, start.completed(), classes, examples.inputs(), normalization, hp,
                    start.metrics(), start.warmStartedFrom(), backbone);
            List<ModelCard.ClassMetrics> classMetrics;
            try (Trainer trainer = model.newTrainer(config)) {
                // Keeps loaded parameters; initializes fresh ones
                trainer.initialize(new Shape(1, normalization.width()));
                long begin = System.nanoTime();
                int firstEpoch = run.completed + 1;
                for (int epoch = firstEpoch; epoch <= request.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    Totals trained = pass(trainer, train, monitor, run);
                    double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                    Totals validated = withoutGradients(() -> pass(trainer, validation, null, run));
                    long elapsed = (System.nanoTime() - begin) / 1_000_000;
                    long remaining = elapsed / (epoch - firstEpoch + 1) * (request.epochs() - epoch);
                    run.completed = epoch;
                    run.last = new EpochMetrics(epoch, request.epochs(), trained.meanLoss(), trained.accuracy(),
                            validated.meanLoss(), validated.accuracy(), trained.samples / Math.max(trainSeconds, 1e-9),
                            elapsed, remaining);
                    monitor.epochCompleted(run.last, run);
                }
                classMetrics = withoutGradients(() -> perClass(trainer, validation, run.classes));
            }
            model.setProperty("Epoch", String.valueOf(request.epochs()));
            model.save(outputDir, MODEL_NAME);
            String baseModel = backbone == null ? baseModel() : backbone;
            ModelDescriptor descriptor = new ModelDescriptor(recipe().wireName(), request.jobId().toString(),
                    request.attempt(), MODEL_NAME, classes, examples.inputs(), baseModel, normalization,
                    backbone == null ? hp.hiddenUnits() : 0, backbone == null ? HIDDEN_LAYERS : 0, hp.all(), hp.seed(),
                    request.epochs(), run.last, classMetrics, run.warmStartedFrom, backbone);
            objectMapper.writerWithDefaultPrettyPrinter().writeValue(outputDir.resolve(DESCRIPTOR_FILE).toFile(), descriptor);
            return new TrainingResult(recipe(), run.last, hp.all(), classMetrics, descriptor.toSchema(), hp.seed(),
                    baseModel, run.warmStartedFrom);
        } catch (MalformedModelException e) {
            throw new IOException("the saved parameters do not fit the model", e);
        } catch (TranslateException e) {
            throw new IllegalStateException("DJL could not batch the dataset", e);
        }
    }

    @Override
    public TrainedModel load(Path modelDir) throws IOException {
        ModelDescriptor descriptor = descriptor(modelDir);
        if (!recipe().wireName().equals(descriptor.recipe())) {
            throw new IOException(modelDir + " holds a " + descriptor.recipe() + " model, not " + recipe().wireName());
        }
        Model model = Model.newInstance(descriptor.modelName());
        try {
            model.setBlock(descriptor.backbone() == null ? mlp(descriptor.hiddenUnits(), descriptor.classes().size())
                    : withHead(emptyBackbone(model), descriptor.classes().size()));
            model.load(modelDir, descriptor.modelName(), Map.of("epoch", descriptor.epochs()));
            return new MlpModel(model, descriptor, inputs -> vectors(inputs, descriptor.inputs()));
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw e instanceof IOException io ? io : new IOException("cannot load the model in " + modelDir, e);
        }
    }

    private ModelDescriptor descriptor(Path modelDir) throws IOException {
        return objectMapper.readValue(modelDir.resolve(DESCRIPTOR_FILE).toFile(), ModelDescriptor.class);
    }

    /**
     * The base model's reference, once it is known to fit: registered for this recipe as TorchScript,
     * and taking vectors of the dataset's width.
     */
    private String check(BaseModel base, Examples examples) {
        if (!recipe().wireName().equals(base.recipe()) || !BaseModel.FORMAT_TORCHSCRIPT.equals(base.format())) {
            throw new TrainingInputException("Base model " + base.reference() + " is a " + base.format() + " model for "
                    + "recipe " + base.recipe() + "; this job's recipe " + recipe().wireName() + " starts from "
                    + BaseModel.FORMAT_TORCHSCRIPT + " base models registered for it.");
        }
        int width = examples.vectors().get(0).length;
        if (width != base.inputWidth()) {
            throw new TrainingInputException("The dataset has " + width + " features ("
                    + String.join(", ", examples.inputs().stream().map(ModelCard.Field::name).toList())
                    + "); base model " + base.reference() + " takes " + base.inputWidth() + " inputs.");
        }
        return base.reference();
    }

    /**
     * Where the parameters start: a checkpoint of this job, else the model's previous version when it
     * has the same inputs, classes and network (the same base model, or the same layer sizes), else
     * from scratch or the base model.
     *
     * @param classes null when training from scratch (the dataset's classes and normalization apply)
     */
    private record Start(Path paramsDir, String modelName, int paramsEpoch, int completed, List<String> classes,
            Normalization normalization, EpochMetrics metrics, String warmStartedFrom) {
    }

    private Start start(TrainingRequest request, Examples examples, List<String> classes, MlpHyperparameters hp,
            String backbone) throws IOException {
        if (request.resumeFrom() != null) {
            CheckpointState resumed = objectMapper.readValue(
                    request.resumeFrom().dir().resolve(CHECKPOINT_FILE).toFile(), CheckpointState.class);
            resumed.check(examples.inputs(), classes, backbone);
            return new Start(request.resumeFrom().dir(), MODEL_NAME, resumed.epoch(), resumed.epoch(), resumed.classes(),
                    resumed.normalization(), resumed.metrics(), resumed.warmStartedFrom());
        }
        TrainingRequest.WarmStart warm = request.warmStart();
        if (warm != null) {
            ModelDescriptor previous = descriptor(warm.dir());
            if (recipe().wireName().equals(previous.recipe()) && previous.inputs().equals(examples.inputs())
                    && previous.classes().equals(classes) && Objects.equals(previous.backbone(), backbone)
                    && (backbone != null || previous.hiddenUnits() == hp.hiddenUnits()
                            && previous.hiddenLayers() == HIDDEN_LAYERS)) {
                return new Start(warm.dir(), previous.modelName(), previous.epochs(), 0, previous.classes(),
                        previous.normalization(), null, warm.uri());
            }
            LOG.infof("Job %s starts from %s: %s does not match its inputs, classes, base model or hidden units",
                    request.jobId(), backbone == null ? "scratch" : "base model " + backbone, warm.uri());
        }
        return new Start(null, null, 0, 0, null, null, null, null);
    }

    /** The run's progress as a checkpoint sees it. */
    private final class Run implements TrainingState {
        private final Model model;
        private final List<String> classes;
        private final List<ModelCard.Field> inputs;
        private final Normalization normalization;
        private final MlpHyperparameters hp;
        private final String warmStartedFrom;
        private final String backbone;
        private int completed;
        private EpochMetrics last;

        Run(Model model, int completed, List<String> classes, List<ModelCard.Field> inputs, Normalization normalization,
                MlpHyperparameters hp, EpochMetrics last, String warmStartedFrom, String backbone) {
            this.model = model;
            this.completed = completed;
            this.classes = classes;
            this.inputs = inputs;
            this.normalization = normalization;
            this.hp = hp;
            this.last = last;
            this.warmStartedFrom = warmStartedFrom;
            this.backbone = backbone;
        }

        @Override
        public int completedEpochs() {
            return completed;
        }

        @Override
        public void writeCheckpoint(Path dir) throws IOException {
            model.setProperty("Epoch", String.valueOf(completed));
            model.save(dir, MODEL_NAME);
            objectMapper.writeValue(dir.resolve(CHECKPOINT_FILE).toFile(), new CheckpointState(completed, classes,
                    inputs, normalization, hp.hiddenUnits(), last, warmStartedFrom, backbone));
        }
    }

    /** Called by a recipe's reader once it has counted the rows, before any costly step. */
    public static void requireRows(int rows) {
        if (rows < MIN_ROWS) {
            throw new TrainingInputException("The dataset has " + rows + " data rows; at least " + MIN_ROWS
                    + " are needed.");
        }
    }

    public static Block mlp(int hiddenUnits, int classes) {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < HIDDEN_LAYERS; i++) {
            block.add(Linear.builder().setUnits(hiddenUnits).build()).add(Activation.reluBlock());
        }
        return block.add(Linear.builder().setUnits(classes).build());
    }

    /** A base model's backbone followed by a new Linear head to the classes. */
    public static Block withHead(Block backbone, int classes) {
        return new SequentialBlock().add(backbone).add(Linear.builder().setUnits(classes).build());
    }

    /**
     * The TorchScript module of a base model, every parameter trainable (DJL's {@code trainParam}), owned
     * by {@code model}; also how a registration proves a file is TorchScript.
     */
    public static Block backbone(Model model, Path file) {
        return JniUtils.loadModule((PtNDManager) model.getNDManager(), file, true, new String[0], new String[0], true);
    }

    /**
     * A TorchScript block without a module yet: loading saved parameters fills it, since DJL writes a
     * TorchScript block's whole module into the parameters file. An artifact therefore needs no copy of
     * the base model, nor the registry.
     */
    public static Block emptyBackbone(Model model) {
        return new PtSymbolBlock((PtNDManager) model.getNDManager());
    }

    /** The vectors standardized into one row-major array: the only way from a vector to the model's input. */
    static float[] standardized(List<float[]> vectors, Normalization normalization) {
        int width = normalization.width();
        float[] x = new float[vectors.size() * width];
        for (int i = 0; i < vectors.size(); i++) {
            normalization.apply(vectors.get(i), x, i * width);
        }
        return x;
    }

    public static ArrayDataset arrays(NDManager manager, Examples examples, int[] rows, Map<String, Integer> classIndex,
            Normalization normalization, int batchSize, boolean shuffle) {
        List<float[]> vectors = new ArrayList<>(rows.length);
        float[] y = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            vectors.add(examples.vectors().get(rows[i]));
            y[i] = classIndex.get(examples.labels().get(rows[i]));
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(standardized(vectors, normalization), new Shape(rows.length, normalization.width())))
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

    /** A step that may throw what training's steps throw. */
    interface Step<T> {
        T run() throws IOException, TranslateException;
    }

    /**
     * Runs {@code step} with autograd off on this thread. A TorchScript backbone evaluated outside training
     * returns inference tensors, which PyTorch refuses to record for a head whose weights require
     * gradients; and autograd is on in every thread but the one that loaded the engine (a worker's job
     * thread, a server's request threads). Nothing evaluated needs gradients anyway.
     */
    static <T> T withoutGradients(Step<T> step) throws IOException, TranslateException {
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return step.run();
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    /** Precision, recall, F1 and support of each class on the validation split, with the final parameters. */
    private static List<ModelCard.ClassMetrics> perClass(Trainer trainer, ArrayDataset validation, List<String> classes)
            throws IOException, TranslateException {
        long[][] confusion = new long[classes.size()][classes.size()];
        for (Batch batch : trainer.iterateDataset(validation)) {
            try (batch) {
                long[] predicted = trainer.evaluate(batch.getData()).singletonOrThrow().argMax(1).toLongArray();
                float[] expected = batch.getLabels().singletonOrThrow().toFloatArray();
                for (int i = 0; i < predicted.length; i++) {
                    confusion[(int) expected[i]][(int) predicted[i]]++;
                }
            }
        }
        List<ModelCard.ClassMetrics> metrics = new ArrayList<>(classes.size());
        for (int c = 0; c < classes.size(); c++) {
            long truePositives = confusion[c][c];
            long support = 0;
            long predictedAs = 0;
            for (int other = 0; other < classes.size(); other++) {
                support += confusion[c][other];
                predictedAs += confusion[other][c];
            }
            double precision = predictedAs == 0 ? 0 : (double) truePositives / predictedAs;
            double recall = support == 0 ? 0 : (double) truePositives / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            metrics.add(new ModelCard.ClassMetrics(classes.get(c), precision, recall, f1, support));
        }
        return metrics;
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
}
