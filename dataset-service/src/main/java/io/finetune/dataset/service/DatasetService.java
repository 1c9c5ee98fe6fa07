package io.finetune.dataset.service;

import io.finetune.common.problem.ProblemException;
import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import io.finetune.dataset.messaging.DatasetEventProducer;
import io.finetune.dataset.service.ObjectStore.ObjectStoreException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response.Status;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/** Datasets: creating upload sessions, validating completed uploads, and reading them back. */
@ApplicationScoped
public class DatasetService {

    private static final String UNIQUE_NAME_CONSTRAINT = "dataset_owner_name_key";

    private final ObjectStore store;
    private final CsvValidator validator;
    private final DatasetEventProducer events;
    private final DatasetConfig config;

    public DatasetService(ObjectStore store, CsvValidator validator, DatasetEventProducer events, DatasetConfig config) {
        this.store = store;
        this.validator = validator;
        this.events = events;
        this.config = config;
    }

    /** A new dataset awaiting its file, and where to PUT the file. */
    public record UploadSession(Dataset dataset, String uploadUrl, Instant uploadExpiresAt) {
    }

    @Transactional
    public UploadSession create(String owner, String name) {
        if (Dataset.nameTaken(owner, name)) {
            throw nameTaken(name);
        }
        Dataset dataset = new Dataset();
        dataset.id = UUID.randomUUID();
        dataset.owner = owner;
        dataset.name = name;
        dataset.status = DatasetStatus.AWAITING_UPLOAD;
        // derived from the id only, so that no user input ever reaches an object key
        dataset.objectKey = dataset.id + "/data.csv";
        dataset.createdAt = now();
        dataset.updatedAt = dataset.createdAt;
        try {
            dataset.persistAndFlush();
        } catch (PersistenceException e) {
            if (isUniqueNameViolation(e)) {
                throw nameTaken(name); // a concurrent create won the race
            }
            throw e;
        }
        Duration expiry = config.uploadExpiry();
        // truncated like the signature's own timestamp, so the stated expiry is never later than the real one
        Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(expiry);
        return new UploadSession(dataset, store.presignedPut(dataset.objectKey, expiry), expiresAt);
    }

    /**
     * Validates the uploaded file and records the outcome; after the commit, publishes it. A dataset
     * that already has an outcome is returned as it is, without a second event.
     */
    public Dataset complete(UUID id, String owner) {
        Dataset dataset = get(id, owner);
        if (dataset.status != DatasetStatus.AWAITING_UPLOAD) {
            return dataset;
        }
        long bytes = store.size(dataset.objectKey).orElseThrow(() -> new ProblemException(Status.CONFLICT,
                "No file has been uploaded for this dataset yet: upload the file to uploadUrl first"));
        // read outside any transaction: a large file takes long, and holds no database resources meanwhile
        CsvValidation validation;
        try (InputStream in = store.open(dataset.objectKey)) {
            validation = validator.validate(in);
        } catch (IOException e) {
            throw new ObjectStoreException("reading " + dataset.objectKey + " failed", e);
        }
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> record(id, owner, bytes, validation));
        if (outcome.recorded()) {
            events.publishOutcome(outcome.dataset());
        }
        return outcome.dataset();
    }

    public Dataset get(UUID id, String owner) {
        return Dataset.findOwned(id, owner).orElseThrow(() -> ProblemException.notFound("Dataset " + id));
    }

    /** The owner's datasets, newest first. */
    public List<Dataset> list(String owner) {
        return Dataset.listOwned(owner);
    }

    /** @param recorded false when a concurrent completion recorded an outcome first */
    private record Outcome(Dataset dataset, boolean recorded) {
    }

    private Outcome record(UUID id, String owner, long bytes, CsvValidation validation) {
        Dataset dataset = Dataset.findOwnedForUpdate(id, owner)
                .orElseThrow(() -> ProblemException.notFound("Dataset " + id));
        if (dataset.status != DatasetStatus.AWAITING_UPLOAD) {
            return new Outcome(dataset, false);
        }
        dataset.status = validation.valid() ? DatasetStatus.VALIDATED : DatasetStatus.REJECTED;
        dataset.rows = validation.rows();
        dataset.bytes = bytes;
        dataset.columns = validation.columns();
        dataset.problems = validation.problems();
        dataset.updatedAt = now();
        return new Outcome(dataset, true);
    }

    private static ProblemException nameTaken(String name) {
        return new ProblemException(Status.CONFLICT, "You already have a dataset named '" + name
                + "'; choose another name");
    }

    private static boolean isUniqueNameViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException violation
                    && UNIQUE_NAME_CONSTRAINT.equals(violation.getConstraintName())) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL keeps microseconds: truncating keeps what we return equal to what we read back later. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
