package io.finetune.dataset.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.problem.ProblemException;
import io.finetune.dataset.EventReader;
import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import io.finetune.dataset.service.DatasetService.NewUpload;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The service against the real test infrastructure, where the REST tests cannot reach: concurrency. */
@QuarkusTest
class DatasetServiceTest {

    @Inject
    DatasetService service;

    @Inject
    MinioClient minio;

    @Inject
    DatasetConfig config;

    @Test
    void concurrentCompletionsRecordOneOutcomeAndOneEvent() throws Exception {
        String owner = "user-" + UUID.randomUUID();
        Dataset dataset = service.create(owner, new NewUpload("concurrent " + UUID.randomUUID(), null, null, null)).dataset();
        byte[] csv = DatasetValidatorTest.goodCsv(20).getBytes(StandardCharsets.UTF_8);
        minio.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(dataset.objectKey)
                .stream(new ByteArrayInputStream(csv), csv.length, -1).build());

        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (EventReader events = EventReader.fromNow()) {
            List<Future<Dataset>> completions = threads.invokeAll(List.of(
                    inRequest(() -> service.complete(dataset.id, owner, null).dataset()),
                    inRequest(() -> service.complete(dataset.id, owner, null).dataset()),
                    inRequest(() -> service.complete(dataset.id, owner, null).dataset()),
                    inRequest(() -> service.complete(dataset.id, owner, null).dataset())));
            for (Future<Dataset> completion : completions) {
                Dataset completed = completion.get();
                assertEquals(DatasetStatus.VALIDATED, completed.status);
                assertEquals(20L, completed.rows);
                assertEquals((long) csv.length, completed.bytes);
            }
            String key = dataset.id.toString();
            List<ConsumerRecord<String, String>> received = new ArrayList<>(events.awaitFor(key));
            received.addAll(events.pollFor(key, Duration.ofSeconds(2)));
            assertEquals(List.of(DatasetEvent.UPLOADED, DatasetEvent.VALIDATED),
                    received.stream().map(r -> EventReader.type(r)).toList(), "one upload and one outcome");
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void anotherOwnerCannotCompleteOrSee() {
        String owner = "user-" + UUID.randomUUID();
        Dataset dataset = service.create(owner, new NewUpload("private", null, null, null)).dataset();
        String stranger = "user-" + UUID.randomUUID();
        assertEquals(404, assertThrows(ProblemException.class,
                () -> inRequest(() -> service.complete(dataset.id, stranger, null)).call()).problem().status());
        assertEquals(List.of(), inRequestNow(() -> service.list(stranger)));
    }

    /** Runs as a REST request would: with a CDI request context, which Panache needs outside transactions. */
    private static <T> Callable<T> inRequest(Callable<T> work) {
        return () -> {
            ManagedContext request = Arc.container().requestContext();
            request.activate();
            try {
                return work.call();
            } finally {
                request.terminate();
            }
        };
    }

    private static <T> T inRequestNow(Callable<T> work) {
        try {
            return inRequest(work).call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
