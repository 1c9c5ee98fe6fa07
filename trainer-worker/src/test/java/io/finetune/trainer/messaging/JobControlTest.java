package io.finetune.trainer.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingControl;
import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.recipes.support.TestDatasets;
import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.service.CheckpointStore;
import io.finetune.trainer.support.TopicTail;
import io.finetune.trainer.support.WorkerClient;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats, checkpoints, resume and the cancel and preempt commands, through the real topics and
 * store. Batches of one row make epochs last long enough to act in the middle of one.
 */
@QuarkusTest
class JobControlTest {

    /** 160 steps of 2 rows per epoch: about a second on a busy 2-core box. */
    private static final int SHORT_EPOCH_ROWS = 400;
    /** 24,000 steps: minutes for one epoch, which these tests cut short. */
    private static final int LONG_EPOCH_ROWS = 30_000;
    private static final Map<String, Object> SMALL_BATCHES = Map.of("batchSize", 2, "hiddenUnits", 16);
    private static final Map<String, Object> ONE_ROW_BATCHES = Map.of("batchSize", 1, "hiddenUnits", 16);

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
    void heartbeatsArriveDuringALongEpochAndCancelStopsItAtTheNextStep() throws Exception {
        TrainingDispatch dispatch = WorkerClient.dispatch(client.upload(TestDatasets.blobs(LONG_EPOCH_ROWS, 3)), 1, 1,
                ONE_ROW_BATCHES);
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(dispatch);
            int[] heartbeats = {0};
            List<TrainingEvent> running = client.events(tail, dispatch,
                    e -> TrainingEvent.HEARTBEAT.equals(e.type()) && ++heartbeats[0] == 3);
            // All three came before the only epoch ended: they are sent in the middle of an epoch
            assertEquals(List.of(), WorkerClient.epochs(running));
            List<TrainingEvent> beats = running.stream().filter(e -> TrainingEvent.HEARTBEAT.equals(e.type())).toList();
            for (TrainingEvent beat : beats) {
                assertNull(beat.epoch());
                assertEquals("trainer-test", beat.worker());
                assertEquals(dispatch.owner(), beat.owner());
            }
            assertTrue(beats.get(0).elapsedMillis() < beats.get(2).elapsedMillis());

            client.command(dispatch, TrainingControl.CANCEL);
            List<TrainingEvent> rest = WorkerClient.withoutHeartbeats(client.events(tail, dispatch, WorkerClient::terminal));
            assertEquals(List.of(TrainingEvent.CANCELLED), rest.stream().map(TrainingEvent::type).toList(),
                    "stopped within the epoch: no epoch completed, no model");
            TrainingEvent cancelled = rest.get(0);
            assertNull(cancelled.epoch(), "no checkpoint to keep");
            assertTrue(cancelled.message().startsWith("Cancelled (test training.cancel) after epoch 0 of 1"),
                    cancelled.message());
        }
        assertEquals(List.of(), client.modelObjects(dispatch.jobId() + "/"));
    }

    /**
     * A worker lost after some epochs leaves only the checkpoints saved at their ends. A cancel
     * stands in for the loss here: it stops the run at the next step without saving anything.
     * The requeued attempt on any worker then continues after the newest checkpoint.
     */
    @Test
    void aLaterAttemptResumesAfterTheLastCheckpointWithoutRepeatingOrSkippingAnEpoch() throws Exception {
        int epochs = 6;
        TrainingDispatch first = WorkerClient.dispatch(client.upload(TestDatasets.blobs(SHORT_EPOCH_ROWS, 8)), epochs, 1,
                SMALL_BATCHES);
        List<TrainingEvent> firstEvents = new ArrayList<>();
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(first);
            firstEvents.addAll(client.events(tail, first,
                    e -> TrainingEvent.EPOCH_COMPLETED.equals(e.type()) && e.epoch() == 3));
            client.command(first, TrainingControl.CANCEL);
            firstEvents.addAll(client.events(tail, first, WorkerClient::terminal));
        }
        List<Integer> done = WorkerClient.epochs(firstEvents);
        int last = done.get(done.size() - 1);
        assertEquals(IntStream.rangeClosed(1, last).boxed().toList(), done);
        assertTrue(last >= 3 && last < epochs, "stopped after epoch " + last);
        assertEquals(TrainingEvent.CANCELLED, firstEvents.get(firstEvents.size() - 1).type());
        // Every epoch was checkpointed; the newest two stay
        assertEquals(List.of(last - 1, last), checkpoints(first));
        assertTrue(client.modelObjects(CheckpointStore.prefix(first.jobId(), last))
                .contains(CheckpointStore.prefix(first.jobId(), last) + "model-" + String.format("%04d", last) + ".params"));

        TrainingDispatch second = WorkerClient.again(first, 2);
        List<TrainingEvent> secondEvents;
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(second);
            secondEvents = WorkerClient.withoutHeartbeats(client.events(tail, second, WorkerClient::terminal));
        }
        assertEquals(IntStream.rangeClosed(last + 1, epochs).boxed().toList(), WorkerClient.epochs(secondEvents));
        TrainingEvent succeeded = secondEvents.get(secondEvents.size() - 1);
        assertEquals(TrainingEvent.SUCCEEDED, succeeded.type());
        assertTrue(succeeded.validationAccuracy() >= 0.9, "validation accuracy " + succeeded.validationAccuracy());
        assertEquals(TrainingEvent.sequenceBase(2) + 1, secondEvents.get(0).sequence());
        String model = first.jobId() + "/attempt-2/";
        assertTrue(client.modelObjects(model).containsAll(List.of(model + "model.json",
                model + "model-" + String.format("%04d", epochs) + ".params")));
        // The model supersedes the checkpoints
        assertEquals(List.of(), client.modelObjects(CheckpointStore.prefix(first.jobId())));
    }

    @Test
    void preemptSavesACheckpointMidEpochAndTheNextAttemptContinuesFromIt() throws Exception {
        int epochs = 4;
        TrainingDispatch first = WorkerClient.dispatch(client.upload(TestDatasets.blobs(SHORT_EPOCH_ROWS, 9)), epochs, 1,
                SMALL_BATCHES);
        List<TrainingEvent> firstEvents = new ArrayList<>();
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(first);
            firstEvents.addAll(client.events(tail, first,
                    e -> TrainingEvent.EPOCH_COMPLETED.equals(e.type()) && e.epoch() == 2));
            client.command(first, TrainingControl.PREEMPT);
            firstEvents.addAll(client.events(tail, first, WorkerClient::terminal));
        }
        TrainingEvent preempted = firstEvents.get(firstEvents.size() - 1);
        assertEquals(TrainingEvent.PREEMPTED, preempted.type());
        List<Integer> done = WorkerClient.epochs(firstEvents);
        int last = done.get(done.size() - 1);
        assertEquals(last, preempted.epoch(), "the checkpoint is of the last whole epoch");
        assertTrue(last >= 2 && last < epochs, "stopped after epoch " + last);
        assertTrue(client.modelObjects(CheckpointStore.prefix(first.jobId(), last))
                .contains(CheckpointStore.prefix(first.jobId(), last) + "_complete"));

        TrainingDispatch second = WorkerClient.again(first, 2);
        List<TrainingEvent> secondEvents;
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(second);
            secondEvents = WorkerClient.withoutHeartbeats(client.events(tail, second, WorkerClient::terminal));
        }
        assertEquals(IntStream.rangeClosed(last + 1, epochs).boxed().toList(), WorkerClient.epochs(secondEvents));
        assertEquals(TrainingEvent.SUCCEEDED, secondEvents.get(secondEvents.size() - 1).type());
    }

    @Test
    void aCommandForAnotherAttemptIsIgnored() throws Exception {
        TrainingDispatch dispatch = WorkerClient.dispatch(client.upload(TestDatasets.blobs(SHORT_EPOCH_ROWS, 4)), 2, 2,
                SMALL_BATCHES);
        try (TopicTail tail = new TopicTail(bootstrapServers, Topics.TRAINING_EVENTS)) {
            client.send(dispatch);
            client.events(tail, dispatch, e -> TrainingEvent.EPOCH_COMPLETED.equals(e.type()));
            client.command(WorkerClient.again(dispatch, 1), TrainingControl.CANCEL);
            List<TrainingEvent> rest = client.events(tail, dispatch, WorkerClient::terminal);
            assertEquals(TrainingEvent.SUCCEEDED, rest.get(rest.size() - 1).type());
        }
    }

    private List<Integer> checkpoints(TrainingDispatch dispatch) throws Exception {
        String prefix = CheckpointStore.prefix(dispatch.jobId());
        return client.modelObjects(prefix).stream()
                .map(key -> key.substring(prefix.length()))
                .map(rest -> Integer.parseInt(rest.substring("epoch-".length(), rest.indexOf('/'))))
                .distinct().sorted().toList();
    }
}
