package io.finetune.trainer.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.events.ModelCard;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.recipes.support.TestBaseModels;
import io.finetune.recipes.support.TestDatasets;
import io.finetune.trainer.cli.RegisterBaseModelCommand;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.support.WorkerClient;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base-model registry against the test store and broker: an admin registers the TorchScript fixture
 * with the worker's command, a dispatch naming it trains from it, and a registry entry that is gone or
 * whose file was changed fails the job as {@code base-model}.
 */
@QuarkusTest
class BaseModelJobTest {

    @Inject
    MinioClient minio;
    @Inject
    ObjectMapper objectMapper;
    @Inject
    TrainerConfig config;
    @Inject
    RegisterBaseModelCommand command;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @TempDir
    Path dir;

    private WorkerClient client;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void client() {
        client = new WorkerClient(minio, objectMapper, config, bootstrapServers);
    }

    @Test
    void registersVersionsAndAJobFineTunesTheNamedOne() throws Exception {
        String name = "tabular-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(0, register(name, TestBaseModels.TABULAR_BASE, 4), err.toString());
        assertTrue(out.toString().startsWith("registered base model " + name + ":1 (torchscript, "), out.toString());
        assertEquals(0, register(name, TestBaseModels.TABULAR_BASE, 4), err.toString());
        assertTrue(out.toString().contains("registered base model " + name + ":2 "), out.toString());

        BaseModel stored = metadata(name, 1);
        BaseModel expected = TestBaseModels.tabularBase(name, 1);
        assertEquals(expected.sha256(), stored.sha256());
        assertEquals(expected.bytes(), stored.bytes());
        assertEquals(TestBaseModels.INPUT_WIDTH, stored.inputWidth());
        assertEquals(TestBaseModels.OUTPUT_WIDTH, stored.outputWidth(), "found by a forward pass on zeros");
        assertEquals("tabular-classification", stored.recipe());

        TrainingDispatch dispatch = WorkerClient.withBaseModel(WorkerClient.dispatch(
                client.upload(TestDatasets.machineHealth(500, 3)), 4, 1, Map.of("seed", 5)), name + ":1");
        TrainingEvent succeeded = WorkerClient.last(client.run(dispatch));
        assertEquals(TrainingEvent.SUCCEEDED, succeeded.type(), succeeded.message());
        ModelCard card = succeeded.model();
        assertEquals(name + ":1", card.baseModel());
        assertTrue(card.metrics().get(ModelCard.VALIDATION_ACCURACY) >= 0.9, card.metrics().toString());
        assertEquals(List.of("temperature", "vibration", "pressure", "humidity"),
                card.schema().inputs().stream().map(ModelCard.Field::name).toList());
        assertTrue(Files.isRegularFile(config.storage().baseModelsCache().resolve(stored.sha256() + ".pt")),
                "the verified file is cached by its SHA-256");
    }

    @Test
    void refusesAFileThatIsNoTorchScriptOrTakesAnotherWidth() throws Exception {
        String name = "refused-" + UUID.randomUUID().toString().substring(0, 8);
        Path csv = Files.writeString(dir.resolve("data.pt"), TestDatasets.blobs(10, 1));
        assertEquals(1, register(name, csv, 4));
        assertTrue(err.toString().contains("is not a TorchScript module"), err.toString());
        assertEquals(1, register(name, TestBaseModels.TABULAR_BASE, 3));
        assertTrue(err.toString().contains("does not take one row of 3 inputs"), err.toString());
        assertEquals(2, register(name, TestBaseModels.TABULAR_BASE, 4, "--recipe"));
        assertEquals(1, register("Not A Name", TestBaseModels.TABULAR_BASE, 4));
        assertTrue(err.toString().contains("is not a base model name"), err.toString());
    }

    @Test
    void aChangedFileOrAMissingEntryFailsTheJobAsBaseModel() throws Exception {
        String name = "tampered-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(0, register(name, TestBaseModels.TABULAR_BASE, 4), err.toString());
        BaseModel stored = metadata(name, 1);
        // A worker that has not verified these bytes before; then the stored file is changed
        Files.deleteIfExists(config.storage().baseModelsCache().resolve(stored.sha256() + ".pt"));
        byte[] bytes = Files.readAllBytes(TestBaseModels.TABULAR_BASE);
        bytes[bytes.length / 2] ^= 1;
        minio.putObject(PutObjectArgs.builder().bucket(config.storage().baseModelsBucket()).object(stored.artifactKey())
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());

        String data = client.upload(TestDatasets.machineHealth(100, 1));
        TrainingEvent tampered = WorkerClient.last(client.run(WorkerClient.withBaseModel(WorkerClient.dispatch(data, 1, 1, Map.of()),
                name + ":1")));
        assertEquals(TrainingEvent.FAILED, tampered.type());
        assertEquals(TrainingEvent.BASE_MODEL, tampered.errorKind());
        assertTrue(tampered.message().startsWith("Base model " + name + ":1 is damaged: the SHA-256 of s3://"
                + config.storage().baseModelsBucket() + "/" + name + "/1/model.pt is "), tampered.message());
        assertTrue(tampered.message().contains("registered " + stored.sha256()), tampered.message());

        TrainingEvent missing = WorkerClient.last(client.run(WorkerClient.withBaseModel(WorkerClient.dispatch(data, 1, 1, Map.of()),
                name + ":7")));
        assertEquals(TrainingEvent.BASE_MODEL, missing.errorKind());
        assertTrue(missing.message().startsWith("Base model " + name + ":7 is not in the registry"), missing.message());
    }

    private int register(String name, Path file, int inputWidth, String... more) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        List<String> args = new ArrayList<>(List.of(RegisterBaseModelCommand.NAME, "--name", name,
                "--file", file.toString(), "--input-width", String.valueOf(inputWidth)));
        args.addAll(List.of(more));
        return command.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private BaseModel metadata(String name, int version) throws Exception {
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(config.storage().baseModelsBucket())
                .object(BaseModel.metadataKey(name, version)).build())) {
            return objectMapper.readValue(in, BaseModel.class);
        }
    }


}
