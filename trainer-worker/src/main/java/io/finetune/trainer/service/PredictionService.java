package io.finetune.trainer.service;

import io.finetune.common.events.ModelCard;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.recipes.CsvRecords;
import io.finetune.recipes.InvalidInputException;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.TrainedModel;
import io.finetune.recipes.TrainingInputException;
import io.finetune.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Runs a prediction job: loads the dispatched model version with the recipe that trained it (the same
 * code serving-service predicts with), reads the dataset from the store as a stream, predicts it in
 * batches, and uploads {@value #FILE}: every input column as it was, then {@code predicted_label} and
 * {@code p_<class>} for each of the model's classes, one line per data row in the dataset's order.
 * Cells are written safe for spreadsheets ({@link CsvCells}).
 */
@ApplicationScoped
public class PredictionService {

    public static final String FILE = "predictions.csv";
    public static final String PREDICTED_LABEL = "predicted_label";
    public static final String PROBABILITY_PREFIX = "p_";

    private static final Logger LOG = Logger.getLogger(PredictionService.class);
    private static final Pattern INPUT_FIELD = Pattern.compile("inputs\\[(\\d+)]\\.?(.*)");

    private final ArtifactStore store;
    private final ModelLoader loader;
    private final TrainerConfig config;

    public PredictionService(ArtifactStore store, ModelLoader loader, TrainerConfig config) {
        this.store = store;
        this.loader = loader;
        this.config = config;
    }

    /** @return the predictions file, {@code s3://<predictions bucket>/<jobId>/attempt-<n>/predictions.csv} */
    String predict(TrainingDispatch dispatch, JobRun run, Path workDir) throws IOException {
        String version = "model " + dispatch.model() + " version " + dispatch.modelVersion();
        Path modelDir = workDir.resolve("predict-model");
        if (dispatch.modelUri() == null || !store.downloadModel(dispatch.modelUri(), modelDir)) {
            throw new TrainingInputException("The files of " + version + " are no longer in the store ("
                    + dispatch.modelUri() + "); predict with another version.");
        }
        Path out = workDir.resolve(FILE);
        long rows;
        try (TrainedModel model = loader.load(modelDir);
                InputStream data = store.openDataset(dispatch.datasetObjectKey());
                CsvRecords csv = new CsvRecords(data);
                BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            rows = write(model, version, csv, writer, Math.max(1, config.prediction().batchSize()), run);
        }
        String uri = store.uploadFile(config.storage().predictionsBucket(), TrainingService.modelPrefix(dispatch) + FILE,
                out, "text/csv");
        LOG.infof("Job %s attempt %d: %d rows predicted with %s into %s", dispatch.jobId(), dispatch.attempt(), rows,
                version, uri);
        return uri;
    }

    private static long write(TrainedModel model, String version, CsvRecords csv, BufferedWriter writer, int batchSize,
            JobRun run) throws IOException {
        CsvRecords.Row header = csv.next();
        if (header == null) {
            throw new TrainingInputException("The dataset is empty; it needs a header and at least one row.");
        }
        List<String> columns = header.cells();
        List<ModelCard.Field> fields = model.schema().inputs();
        List<String> missing = fields.stream().map(ModelCard.Field::name).filter(n -> !columns.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new TrainingInputException("The dataset has no column " + quoted(missing) + "; " + version
                    + " reads " + quoted(fields.stream().map(ModelCard.Field::name).toList()) + ".");
        }
        List<String> labels = model.schema().labels();
        List<String> outHeader = new ArrayList<>(columns);
        outHeader.add(PREDICTED_LABEL);
        labels.forEach(label -> outHeader.add(PROBABILITY_PREFIX + label));
        writer.write(CsvCells.line(outHeader));
        writer.newLine();

        long done = 0;
        List<CsvRecords.Row> batch = new ArrayList<>(batchSize);
        CsvRecords.Row row;
        while ((row = csv.next()) != null) {
            if (row.cells().size() == 1 && row.cells().get(0).isEmpty()) {
                continue; // a blank line, as validation skips it
            }
            if (row.cells().size() != columns.size()) {
                throw new TrainingInputException("Line " + row.line() + ": " + row.cells().size()
                        + " values, but the header has " + columns.size() + " columns.");
            }
            batch.add(row);
            if (batch.size() == batchSize) {
                run.beforeBatch(done);
                done += predictBatch(model, fields, columns, labels, batch, writer);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            run.beforeBatch(done);
            done += predictBatch(model, fields, columns, labels, batch, writer);
        }
        if (done == 0) {
            throw new TrainingInputException("The dataset has a header but no rows to predict.");
        }
        return done;
    }

    private static int predictBatch(TrainedModel model, List<ModelCard.Field> fields, List<String> columns,
            List<String> labels, List<CsvRecords.Row> batch, BufferedWriter writer) throws IOException {
        List<Map<String, Object>> inputs = new ArrayList<>(batch.size());
        for (CsvRecords.Row row : batch) {
            Map<String, Object> input = new HashMap<>();
            for (ModelCard.Field field : fields) {
                String cell = row.cells().get(columns.indexOf(field.name()));
                input.put(field.name(), ModelCard.Field.NUMBER.equals(field.type()) ? number(cell, row, field) : cell);
            }
            inputs.add(input);
        }
        List<Prediction> predictions;
        try {
            predictions = model.predict(inputs);
        } catch (InvalidInputException e) {
            throw new TrainingInputException(e.problems().stream().limit(5).map(p -> where(p, batch) + p.message())
                    .collect(Collectors.joining("; ")));
        }
        for (int i = 0; i < batch.size(); i++) {
            Prediction prediction = predictions.get(i);
            List<String> cells = new ArrayList<>(batch.get(i).cells());
            cells.add(prediction.label());
            labels.forEach(label -> cells.add(Double.toString(prediction.probabilities().get(label))));
            writer.write(CsvCells.line(cells));
            writer.newLine();
        }
        return batch.size();
    }

    private static Double number(String cell, CsvRecords.Row row, ModelCard.Field field) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new TrainingInputException("Line " + row.line() + ", column '" + field.name() + "': '" + cell
                    + "' is not a number.");
        }
    }

    /** {@code inputs[3].temperature} of the batch as the file's line and column. */
    private static String where(InvalidInputException.Problem problem, List<CsvRecords.Row> batch) {
        Matcher m = INPUT_FIELD.matcher(problem.field());
        if (!m.matches()) {
            return problem.field() + ": ";
        }
        long line = batch.get(Integer.parseInt(m.group(1))).line();
        return "Line " + line + (m.group(2).isEmpty() ? "" : ", column '" + m.group(2) + "'") + ": ";
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }
}
