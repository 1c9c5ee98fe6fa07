package io.finetune.dataset.service;

import io.finetune.common.events.DatasetEvent;
import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import io.finetune.dataset.messaging.DatasetEventProducer;
import io.finetune.dataset.service.ObjectStore.ObjectStoreException;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * Validates an uploaded dataset and records the outcome: reads the object once (validation, row and
 * class counts, SHA-256 in the same pass), recognises content the owner uploaded before (the new
 * dataset then shares the earlier object and its own copy is deleted), commits, and publishes
 * {@code dataset.validated} or {@code dataset.rejected}. Within a request, or on its own threads behind a 202.
 */
@ApplicationScoped
public class ValidationRunner {

    private static final Logger LOG = Logger.getLogger(ValidationRunner.class);

    private final ObjectStore store;
    private final DatasetValidator validator;
    private final DatasetEventProducer events;
    private final DatasetMetrics metrics;
    private final ExecutorService threads;
    private final ValidationSlots inline;
    /** The datasets this instance is validating, so that the sweep does not start them twice. */
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();

    public ValidationRunner(ObjectStore store, DatasetValidator validator, DatasetEventProducer events,
            DatasetMetrics metrics, DatasetConfig config) {
        this.store = store;
        this.validator = validator;
        this.events = events;
        this.metrics = metrics;
        this.threads = DaemonThreads.pool(config.validationThreads(), "dataset-validation");
        this.inline = new ValidationSlots(config.syncValidationConcurrency());
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }

    /** Validates on this instance's validation threads; does nothing when this instance already runs it. */
    public void submit(UUID id) {
        if (!running.add(id)) {
            return;
        }
        threads.execute(() -> {
            ManagedContext request = Arc.container().requestContext();
            request.activate();
            try {
                validateOnce(id);
            } catch (RuntimeException e) {
                // the dataset stays validating; the sweep starts it again later
                LOG.errorf(e, "Validation of dataset %s failed", id);
            } finally {
                request.terminate();
                running.remove(id);
            }
        });
    }

    /**
     * Validates now, in the caller's thread, once one of the slots for validations within requests is
     * free; empty when the dataset is gone or no longer validating.
     */
    public Optional<Dataset> validate(UUID id) {
        if (!running.add(id)) {
            return Optional.empty();
        }
        try {
            return inline.run(() -> validateOnce(id));
        } finally {
            running.remove(id);
        }
    }

    boolean isRunning(UUID id) {
        return running.contains(id);
    }

    private Optional<Dataset> validateOnce(UUID id) {
        try {
            Optional<Dataset> outcome = readAndRecord(id);
            outcome.ifPresent(dataset -> metrics.outcome(dataset.status));
            return outcome;
        } catch (RuntimeException e) {
            metrics.failed();
            throw e;
        }
    }

    private Optional<Dataset> readAndRecord(UUID id) {
        Optional<Dataset> pending = QuarkusTransaction.requiringNew().call(() -> Dataset.<Dataset>findByIdOptional(id));
        if (pending.isEmpty() || pending.get().status != DatasetStatus.VALIDATING) {
            return Optional.empty();
        }
        String key = pending.get().objectKey;
        // read outside any transaction: a large file takes long, and holds no database resources meanwhile
        Validation validation;
        try (InputStream in = store.open(key)) {
            validation = validator.validate(in, DatasetEvent.PREDICTION.equals(pending.get().purpose));
        } catch (IOException e) {
            throw new ObjectStoreException("reading " + key + " failed", e);
        }
        Optional<Recorded> recorded = QuarkusTransaction.requiringNew().call(() -> record(id, validation));
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        Dataset dataset = recorded.get().dataset();
        if (recorded.get().droppedKey() != null) {
            store.delete(recorded.get().droppedKey());
        }
        events.publish(dataset.status == DatasetStatus.VALIDATED ? DatasetEvent.VALIDATED : DatasetEvent.REJECTED, dataset);
        return Optional.of(dataset);
    }

    /** @param droppedKey this upload's own object, no longer needed since it duplicates an earlier one */
    private record Recorded(Dataset dataset, String droppedKey) {
    }

    private Optional<Recorded> record(UUID id, Validation validation) {
        Optional<Dataset> found = Dataset.findForUpdate(id);
        if (found.isEmpty() || found.get().status != DatasetStatus.VALIDATING) {
            return Optional.empty(); // deleted, or a concurrent validation recorded first
        }
        Dataset dataset = found.get();
        String droppedKey = null;
        Optional<Dataset> earlier = Dataset.findSameContent(dataset.owner, validation.sha256(), dataset.id);
        if (earlier.isPresent()) {
            dataset.duplicateOf = earlier.get().id;
            droppedKey = dataset.objectKey;
            dataset.objectKey = earlier.get().objectKey;
        }
        dataset.status = validation.valid() ? DatasetStatus.VALIDATED : DatasetStatus.REJECTED;
        dataset.rows = validation.rows();
        dataset.bytes = validation.bytes();
        dataset.columns = validation.columns();
        dataset.problems = validation.problems();
        dataset.format = validation.format();
        dataset.kind = validation.kind();
        dataset.classCounts = validation.classCounts();
        dataset.sha256 = validation.sha256();
        dataset.sequence++;
        dataset.updatedAt = DatasetService.now();
        dataset.statusSince = dataset.updatedAt;
        return Optional.of(new Recorded(dataset, droppedKey));
    }
}
