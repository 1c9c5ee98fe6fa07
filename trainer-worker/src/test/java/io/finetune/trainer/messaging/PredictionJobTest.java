package io.finetune.trainer.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobKind;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.recipes.CsvRecords;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.TrainedModel;
import io.finetune.recipes.support.TestDatasets;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.service.ArtifactStore;
import io.finetune.trainer.support.WorkerClient;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prediction jobs (kind {@code prediction}) through the worker, against the test broker and store: a
 * model trained by a dispatch predicts an unlabelled file in batches, and the predictions file it stores
 * has one line per input row, equal to the model's own predictions of those rows.
 */
@QuarkusTest
class PredictionJobTest {

    /** Not a multiple of the batch size (trainer.prediction.batch-size, 256): the last batch is partial. */
    private static final int ROWS = 600;

    @Inject
    MinioClient minio;
    @Inject
    ObjectMapper objectMapper;
    @Inject
    TrainerConfig config;
    @Inject
    ArtifactStore store;
    @Inject
    ModelLoader loader;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private WorkerClient client;

    @BeforeEach
    void client() {
        client = new WorkerClient(minio, objectMapper, config, bootstrapServers);
    }

    @Test
    void predictsEveryRowOfAnUnlabelledFileAndStoresThePredictions() throws Exception {
        String modelUri = trainModel();
        // the label column removed, an extra column kept, one cell a spreadsheet would run as a formula
        List<String> lines = new ArrayList<>(TestDatasets.blobs(ROWS, 7).lines().toList());
        StringBuilder csv = new StringBuilder("note,x3,x1,x2\n");
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            String note = i == 3 ? "=HYPERLINK(\"http://x\",\"y\")" : i == 4 ? "-5.5" : "row " + i;
            csv.append(note.contains(",") ? "\"" + note.replace("\"", "\"\"") + "\"" : note).append(',')
                    .append(cells[3]).append(',').append(cells[0]).append(',').append(cells[2]).append('\n');
            inputs.add(Map.of("x1", Double.parseDouble(cells[0]), "x2", Double.parseDouble(cells[2]),
                    "x3", Double.parseDouble(cells[3])));
        }
        TrainingDispatch dispatch = prediction(client.upload(csv.toString()), modelUri);
        List<TrainingEvent> events = client.run(dispatch);
        assertEquals(List.of(TrainingEvent.STARTED, TrainingEvent.SUCCEEDED),
                WorkerClient.withoutHeartbeats(events).stream().map(TrainingEvent::type).toList());
        TrainingEvent succeeded = events.get(events.size() - 1);
        String key = dispatch.jobId() + "/attempt-1/predictions.csv";
        assertEquals("s3://" + config.storage().predictionsBucket() + "/" + key, succeeded.resultUri());
        assertNull(succeeded.model(), "a prediction registers no model");
        assertNull(succeeded.modelUri());

        List<CsvRecords.Row> rows = new ArrayList<>();
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(config.storage().predictionsBucket())
                .object(key).build()); CsvRecords records = new CsvRecords(in)) {
            CsvRecords.Row row;
            while ((row = records.next()) != null) {
                rows.add(row);
            }
        }
        List<String> classes = new ArrayList<>();
        List<Prediction> expected = expected(modelUri, inputs, classes);
        assertEquals(List.of("setosa", "versicolor", "virginica"), classes.stream().sorted().toList());
        List<String> header = new ArrayList<>(List.of("note", "x3", "x1", "x2", "predicted_label"));
        classes.forEach(c -> header.add("p_" + c));
        assertEquals(header, rows.get(0).cells(), "the input columns, then the label and each class's probability");
        assertEquals(ROWS, rows.size() - 1, "one line per input row");

        for (int i = 0; i < ROWS; i++) {
            List<String> cells = rows.get(i + 1).cells();
            Prediction p = expected.get(i);
            assertEquals(p.label(), cells.get(4), "row " + (i + 1));
            for (int c = 0; c < 3; c++) {
                assertEquals(p.probabilities().get(classes.get(c)), Double.parseDouble(cells.get(5 + c)),
                        1e-6, "row " + (i + 1));
            }
        }
        // the input columns come back as they were, a formula neutralised, a negative number left a number
        assertEquals("'=HYPERLINK(\"http://x\",\"y\")", rows.get(3).cells().get(0));
        assertEquals("-5.5", rows.get(4).cells().get(0));
        assertEquals("row 1", rows.get(1).cells().get(0));
        assertEquals(lines.get(1).split(",")[0], rows.get(1).cells().get(2));
    }

    @Test
    void aMissingColumnAndACellThatIsNoNumberAreTheUsersData() throws Exception {
        String modelUri = trainModel();
        TrainingEvent missing = WorkerClient.last(client.run(prediction(client.upload("x1,x3\n1,1000\n"), modelUri)));
        assertEquals(TrainingEvent.FAILED, missing.type());
        assertEquals(TrainingEvent.USER_DATA, missing.errorKind());
        assertTrue(missing.message().startsWith("The dataset has no column 'x2'"), missing.message());

        TrainingEvent bad = WorkerClient.last(client.run(prediction(client.upload("x1,x2,x3\n1,2,1000\n1,two,1000\n"), modelUri)));
        assertEquals(TrainingEvent.FAILED, bad.type());
        assertEquals(TrainingEvent.USER_DATA, bad.errorKind());
        assertEquals("Line 3, column 'x2': 'two' is not a number.", bad.message());

        TrainingEvent gone = WorkerClient.last(client.run(prediction(client.upload("x1,x2,x3\n1,2,1000\n"),
                "s3://models/" + UUID.randomUUID() + "/attempt-1/")));
        assertEquals(TrainingEvent.USER_DATA, gone.errorKind());
        assertTrue(gone.message().contains("no longer in the store"), gone.message());
    }

    private String trainModel() throws Exception {
        TrainingDispatch train = WorkerClient.dispatch(client.upload(TestDatasets.blobs(300, 5)), 2, 1, Map.of());
        TrainingEvent trained = WorkerClient.last(client.run(train));
        assertEquals(TrainingEvent.SUCCEEDED, trained.type(), trained.message());
        return trained.modelUri();
    }



    private static TrainingDispatch prediction(String objectKey, String modelUri) {
        UUID jobId = UUID.randomUUID();
        return new TrainingDispatch(UUID.randomUUID(), TrainingDispatch.TYPE, Instant.now(), 3, jobId, "user-" + jobId,
                "predict-" + jobId, UUID.randomUUID(), objectKey, "tabular-classification", 0, Map.of(), 1, "blobs",
                null, JobKind.PREDICTION, 1, modelUri, null);
    }

    /** What the model itself answers for these inputs, loaded here from the same artifact; its classes into {@code classes}. */
    private List<Prediction> expected(String modelUri, List<Map<String, Object>> inputs, List<String> classes)
            throws Exception {
        Path dir = Files.createTempDirectory("expected-model");
        assertTrue(store.downloadModel(modelUri, dir));
        try (TrainedModel model = loader.load(dir)) {
            classes.addAll(model.schema().labels());
            List<Prediction> all = new ArrayList<>();
            for (int from = 0; from < inputs.size(); from += 64) {
                all.addAll(model.predict(new ArrayList<>(inputs.subList(from, Math.min(inputs.size(), from + 64)))));
            }
            return all;
        }
    }
}
