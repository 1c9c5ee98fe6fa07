package io.finetune.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.recipes.DjlEngine;
import io.finetune.recipes.ModelLoader;
import io.finetune.recipes.support.TestDatasets;
import io.finetune.recipes.tabular.TabularClassificationRecipe;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.messaging.TrainingEventPublisher;
import io.finetune.trainer.support.TopicTail;
import io.finetune.trainer.support.WorkerClient;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each kind of failure, from a real cause, reported on {@code training.events} with its
 * {@code errorKind}. The jobs run through {@link TrainingService#run} directly: what is under test
 * is how a failure is sorted, not how the dispatch arrives (TrainerWorkerTest covers that).
 */
@QuarkusTest
class FailureKindsTest {

    @Inject
    TrainingService trainingService;

    @Inject
    TabularClassificationRecipe recipe;

    @Inject
    TrainingEventPublisher publisher;

    @Inject
    DjlEngine engine;

    @Inject
    ModelLoader loader;

    @Inject
    TrainerMetrics metrics;

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

    @Test
    void aSingleClassDatasetIsTheUsersData() throws Exception {
        TrainingEvent failed = failure(trainingService,
                WorkerClient.dispatch(client.upload("x,label\n" + "1,a\n".repeat(20)), 1, 1, Map.of()));
        assertEquals(TrainingEvent.USER_DATA, failed.errorKind());
        assertEquals("The 'label' column has only one value (a); a classifier needs at least 2.", failed.message());
    }

    /** The worker's store is unreachable: a port nothing listens on, so every request is refused. */
    @Test
    void anUnreachableStoreIsInfrastructure() throws Exception {
        MinioClient unreachable = MinioClient.builder().endpoint("http://127.0.0.1:1")
                .credentials("platform-access", "platform-secret-key").region("us-east-1").build();
        ArtifactStore store = new ArtifactStore(unreachable, config);
        TrainingService cutOff = new TrainingService(List.of(recipe), publisher, store,
                new PredictionService(store, loader, config), new CheckpointStore(unreachable, store, config),
                new BaseModelCache(new BaseModelRegistry(unreachable, store, objectMapper, config), config),
                new ControlRegistry(), engine, metrics, config);
        TrainingEvent failed = failure(cutOff,
                WorkerClient.dispatch(client.upload(TestDatasets.blobs(50, 1)), 1, 1, Map.of()));
        assertEquals(TrainingEvent.INFRASTRUCTURE, failed.errorKind());
        assertTrue(failed.message().startsWith("The trainer could not reach the object store or the message broker"),
                failed.message());
    }

    /**
     * A first layer of 20,000 inputs x 2^31-1 units needs 160 TiB, beyond any machine's address
     * space, so PyTorch refuses the allocation at once, whatever the kernel's overcommit policy.
     */
    @Test
    void aModelTooLargeForMemoryIsOutOfMemoryAndSuggestsASmallerBatch() throws Exception {
        StringBuilder csv = new StringBuilder("label");
        for (int i = 0; i < 20_000; i++) {
            csv.append(",f").append(i);
        }
        csv.append('\n');
        String row = ",1".repeat(20_000) + "\n";
        for (int i = 0; i < 12; i++) {
            csv.append(i % 2 == 0 ? "a" : "b").append(row);
        }
        TrainingEvent failed = failure(trainingService, WorkerClient.dispatch(client.upload(csv.toString()), 1, 1,
                Map.of("hiddenUnits", Integer.MAX_VALUE, "batchSize", 8)));
        assertEquals(TrainingEvent.OUT_OF_MEMORY, failed.errorKind());
        assertEquals("Training ran out of memory on the cpu; submit the job again with a smaller batchSize "
                + "(this job used 8).", failed.message());
    }

    private TrainingEvent failure(TrainingService service, TrainingDispatch dispatch) {
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            service.run(dispatch);
            List<TrainingEvent> events = client.events(tail, dispatch, WorkerClient::terminal);
            TrainingEvent last = events.get(events.size() - 1);
            assertEquals(TrainingEvent.FAILED, last.type());
            return last;
        }
    }
}
