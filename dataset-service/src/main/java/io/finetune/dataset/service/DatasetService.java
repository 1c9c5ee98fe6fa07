package io.finetune.dataset.service;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.ValidationProblem;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import io.finetune.dataset.messaging.DatasetEventProducer;
import io.finetune.dataset.service.ObjectStore.ObjectStoreException;
import io.finetune.dataset.service.ObjectStore.RejectedByStoreException;
import io.minio.messages.Part;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/**
 * Datasets: upload sessions (one presigned PUT or a presigned multipart upload), completing them,
 * deleting them, and reading them back. Validation itself is {@link ValidationRunner}'s.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);
    private static final String UNIQUE_NAME_CONSTRAINT = "dataset_owner_name_key";
    /** Part URLs one request may ask for; a client presigns as it goes. */
    public static final int MAX_PARTS_PER_REQUEST = 100;
    /** How long a completion of a small file waits for a concurrent completion's outcome. */
    private static final Duration SYNC_WAIT = Duration.ofMinutes(1);

    private final ObjectStore store;
    private final ValidationRunner validation;
    private final DatasetEventProducer events;
    private final DatasetMetrics metrics;
    private final DatasetUses uses;
    private final DatasetConfig config;

    public DatasetService(ObjectStore store, ValidationRunner validation, DatasetEventProducer events,
            DatasetMetrics metrics, DatasetUses uses, DatasetConfig config) {
        this.store = store;
        this.uses = uses;
        this.validation = validation;
        this.events = events;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * What a client asks for when it creates a dataset; every field but the name may be null.
     *
     * @param purpose {@link DatasetEvent#TRAINING} (null: the same) or {@link DatasetEvent#PREDICTION}
     */
    public record NewUpload(String name, Long size, String contentType, String upload, String purpose) {

        /** A training dataset. */
        public NewUpload(String name, Long size, String contentType, String upload) {
            this(name, size, contentType, upload, null);
        }
    }

    /** A new dataset awaiting its file: where to PUT it (single), or its multipart plan. */
    public record UploadSession(Dataset dataset, String uploadUrl, Instant uploadExpiresAt) {
    }

    /** A presigned URL for one part. */
    public record PartUrl(int partNumber, String url, Instant expiresAt) {
    }

    /** A part the store holds, or one the client names at completion (size unknown then). */
    public record StoredPart(int partNumber, long size, String etag) {
    }

    /** @param done false when the file is still being validated (the caller answers 202) */
    public record Completion(Dataset dataset, boolean done) {
    }

    public UploadSession create(String owner, NewUpload request) {
        UploadPlan plan = UploadPlan.of(request.size(), request.upload(), config.maxBytes(), config.partSize(),
                config.maxParts());
        UUID id = UUID.randomUUID();
        // derived from the id only, so that no user input ever reaches an object key
        String key = id + "/data";
        String uploadId = plan.multipart() ? store.startMultipart(key, request.contentType()) : null;
        Dataset dataset;
        try {
            dataset = QuarkusTransaction.requiringNew().call(
                    () -> insert(id, owner, request, plan, key, uploadId, DatasetStatus.AWAITING_UPLOAD, null));
        } catch (RuntimeException e) {
            if (uploadId != null) {
                store.abortMultipart(key, uploadId);
            }
            throw e;
        }
        events.publish(DatasetEvent.CREATED, dataset);
        if (plan.multipart()) {
            return new UploadSession(dataset, null, null);
        }
        Duration expiry = config.uploadExpiry();
        // truncated like the signature's own timestamp, so the stated expiry is never later than the real one
        Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(expiry);
        return new UploadSession(dataset, store.presignedPut(key, expiry), expiresAt);
    }

    /**
     * Records a new dataset (within the caller's transaction).
     *
     * @param status awaiting_upload for an upload, importing for an import
     * @param source where an import reads from, in words without secrets; null for an upload
     */
    Dataset insert(UUID id, String owner, NewUpload request, UploadPlan plan, String key, String uploadId,
            DatasetStatus status, String source) {
        if (Dataset.nameTaken(owner, request.name())) {
            throw nameTaken(request.name());
        }
        Dataset dataset = new Dataset();
        dataset.id = id;
        dataset.owner = owner;
        dataset.name = request.name();
        dataset.status = status;
        dataset.source = source;
        dataset.objectKey = key;
        dataset.uploadId = uploadId;
        dataset.declaredBytes = request.size();
        dataset.contentType = request.contentType();
        dataset.purpose = request.purpose() == null ? DatasetEvent.TRAINING : request.purpose();
        dataset.partSize = plan.partSize();
        dataset.partCount = plan.partCount();
        dataset.sequence = 1;
        dataset.createdAt = now();
        dataset.updatedAt = dataset.createdAt;
        dataset.statusSince = dataset.createdAt;
        try {
            dataset.persistAndFlush();
        } catch (PersistenceException e) {
            if (isUniqueNameViolation(e)) {
                throw nameTaken(request.name()); // a concurrent create won the race
            }
            throw e;
        }
        return dataset;
    }

    /** Presigned URLs for the given parts of the dataset's multipart upload. */
    public List<PartUrl> presignParts(UUID id, String owner, List<Integer> partNumbers) {
        Dataset dataset = openMultipart(id, owner);
        int last = dataset.partCount != null ? dataset.partCount : UploadPlan.MAX_S3_PARTS;
        List<Problem.FieldError> errors = new ArrayList<>();
        if (partNumbers == null || partNumbers.isEmpty() || partNumbers.size() > MAX_PARTS_PER_REQUEST) {
            errors.add(new Problem.FieldError("partNumbers", "must list 1 to " + MAX_PARTS_PER_REQUEST + " part numbers"));
        } else {
            for (int i = 0; i < partNumbers.size(); i++) {
                Integer n = partNumbers.get(i);
                if (n == null || n < 1 || n > last) {
                    errors.add(new Problem.FieldError("partNumbers[" + i + "]", "must be a part number from 1 to " + last));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", errors);
        }
        Duration expiry = config.partUrlExpiry();
        Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(expiry);
        return partNumbers.stream().distinct()
                .map(n -> new PartUrl(n, store.presignedPart(dataset.objectKey, dataset.uploadId, n, expiry), expiresAt))
                .toList();
    }

    /** The parts already stored: what a client resuming an upload does not send again. */
    public List<StoredPart> storedParts(UUID id, String owner) {
        Dataset dataset = openMultipart(id, owner);
        return listParts(dataset);
    }

    private List<StoredPart> listParts(Dataset dataset) {
        try {
            return store.listParts(dataset.objectKey, dataset.uploadId).stream()
                    .map(p -> new StoredPart(p.partNumber(), p.partSize(), p.etag())).toList();
        } catch (RejectedByStoreException e) {
            throw uploadGone(e);
        }
    }

    private Dataset openMultipart(UUID id, String owner) {
        Dataset dataset = get(id, owner);
        if (dataset.status != DatasetStatus.AWAITING_UPLOAD) {
            throw new ProblemException(Status.CONFLICT, "The upload of this dataset is complete; its status is "
                    + dataset.status.wireName());
        }
        if (dataset.uploadId == null) {
            throw new ProblemException(Status.CONFLICT, "This dataset is uploaded with one PUT to its uploadUrl, not in parts;"
                    + " create it with \"upload\": \"multipart\" to upload in parts");
        }
        return dataset;
    }

    /**
     * Ends the upload: joins the parts of a multipart upload (the given ones, or all the store holds),
     * checks the real size against the limit, then validates: within the request for a small file,
     * behind a 202 for a large one. A dataset past its upload is returned as it is, without a second event.
     */
    public Completion complete(UUID id, String owner, List<StoredPart> namedParts) {
        Dataset dataset = get(id, owner);
        if (dataset.status == DatasetStatus.VALIDATING) {
            return awaitOutcome(id, owner, dataset.bytes != null && dataset.bytes <= config.syncValidationMaxBytes());
        }
        if (dataset.status == DatasetStatus.IMPORTING) {
            throw new ProblemException(Status.CONFLICT, "This dataset is being imported from " + dataset.source
                    + "; it is completed when the import ends: read it with GET /datasets/" + id);
        }
        if (dataset.status != DatasetStatus.AWAITING_UPLOAD) {
            return new Completion(dataset, true);
        }
        if (dataset.uploadId != null) {
            Optional<Dataset> rejected = joinParts(dataset, namedParts);
            if (rejected.isPresent()) {
                return new Completion(rejected.get(), true);
            }
        }
        return validateStored(dataset);
    }

    /**
     * The dataset's object is in the store (uploaded, or written by an import): checks its real size
     * against the limit, then validates it, within the call for a small file, behind it for a large one.
     */
    Completion validateStored(Dataset dataset) {
        UUID id = dataset.id;
        String owner = dataset.owner;
        long bytes = store.size(dataset.objectKey).orElseThrow(() -> new ProblemException(Status.CONFLICT,
                "No file has been uploaded for this dataset yet: upload the file to uploadUrl first"));
        if (bytes > config.maxBytes()) {
            store.delete(dataset.objectKey);
            return new Completion(rejectTooLarge(dataset, bytes), true);
        }
        boolean small = bytes <= config.syncValidationMaxBytes();
        Optional<Dataset> uploaded = QuarkusTransaction.requiringNew().call(() -> markUploaded(id, bytes));
        if (uploaded.isEmpty()) {
            return awaitOutcome(id, owner, small); // a concurrent completion moved it on first
        }
        events.publish(DatasetEvent.UPLOADED, uploaded.get());
        if (small) {
            Optional<Dataset> validated = validation.validate(id);
            return validated.isPresent() ? new Completion(validated.get(), true) : awaitOutcome(id, owner, true);
        }
        validation.submit(id);
        return new Completion(uploaded.get(), false);
    }

    /** The dataset as committed now; after a small file's concurrent completion, once its outcome is recorded. */
    private Completion awaitOutcome(UUID id, String owner, boolean small) {
        Instant until = Instant.now().plus(SYNC_WAIT);
        while (true) {
            Dataset dataset = QuarkusTransaction.requiringNew().call(() -> get(id, owner));
            boolean done = dataset.status != DatasetStatus.VALIDATING;
            if (done || !small || Instant.now().isAfter(until)) {
                return new Completion(dataset, done);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Completion(dataset, false);
            }
        }
    }

    /** Completes the multipart upload; a file over the limit is rejected and its parts dropped instead. */
    private Optional<Dataset> joinParts(Dataset dataset, List<StoredPart> namedParts) {
        List<StoredPart> stored = listParts(dataset);
        if (stored.isEmpty()) {
            throw new ProblemException(Status.CONFLICT, "No part has been uploaded for this dataset yet:"
                    + " upload the parts to their presigned URLs first");
        }
        long total = stored.stream().mapToLong(StoredPart::size).sum();
        if (total > config.maxBytes()) {
            store.abortMultipart(dataset.objectKey, dataset.uploadId);
            return Optional.of(rejectTooLarge(dataset, total));
        }
        List<StoredPart> parts = namedParts == null || namedParts.isEmpty() ? stored : namedParts;
        try {
            store.completeMultipart(dataset.objectKey, dataset.uploadId,
                    parts.stream().map(p -> new Part(p.partNumber(), p.etag())).toList());
        } catch (RejectedByStoreException e) {
            if ("NoSuchUpload".equals(e.code()) && store.size(dataset.objectKey).isPresent()) {
                return Optional.empty(); // a concurrent completion joined the parts first
            }
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The store refused to join the parts ("
                    + e.getMessage() + "); the upload stays open: list the stored parts with GET parts and complete"
                    + " with their part numbers and ETags, or without a body", List.of());
        }
        return Optional.empty();
    }

    private Optional<Dataset> markUploaded(UUID id, long bytes) {
        Optional<Dataset> found = Dataset.findForUpdate(id);
        if (found.isEmpty() || !found.get().status.beforeUpload()) {
            return Optional.empty();
        }
        Dataset dataset = found.get();
        dataset.status = DatasetStatus.VALIDATING;
        dataset.uploadId = null;
        dataset.bytes = bytes;
        dataset.sequence++;
        dataset.updatedAt = now();
        dataset.statusSince = dataset.updatedAt;
        return Optional.of(dataset);
    }

    private Dataset rejectTooLarge(Dataset dataset, long bytes) {
        return reject(dataset, "the file is " + bytes + " bytes, more than the limit of " + config.maxBytes()
                + " bytes; split it or sample it down", bytes);
    }

    /**
     * Rejects a dataset whose file never arrived whole (too large, or an import that failed) with one
     * problem; a dataset already past that point, or deleted, is returned as it is.
     *
     * @param bytes how much arrived, when known
     */
    Dataset reject(Dataset dataset, String message, Long bytes) {
        ValidationProblem problem = new ValidationProblem(null, null, message);
        Optional<Dataset> rejected = QuarkusTransaction.requiringNew().call(() -> {
            Optional<Dataset> found = Dataset.findForUpdate(dataset.id);
            if (found.isEmpty() || !found.get().status.beforeUpload()) {
                return Optional.<Dataset>empty();
            }
            Dataset d = found.get();
            d.status = DatasetStatus.REJECTED;
            d.uploadId = null;
            d.bytes = bytes;
            d.problems = List.of(problem);
            d.sequence++;
            d.updatedAt = now();
            d.statusSince = d.updatedAt;
            return Optional.of(d);
        });
        rejected.ifPresent(d -> {
            events.publish(DatasetEvent.REJECTED, d);
            metrics.outcome(d.status);
        });
        return rejected.orElseGet(() -> Dataset.<Dataset>findByIdOptional(dataset.id).orElse(dataset));
    }

    /**
     * Deletes the dataset: aborts an upload in progress, removes the object unless another dataset
     * shares it (a duplicate upload), and announces {@code dataset.deleted}. Refused while a job of
     * the owner still needs it ({@link DatasetUses}).
     */
    public void delete(UUID id, String owner) {
        get(id, owner);
        List<DatasetUses.JobUse> needing = uses.needing(id, owner);
        if (!needing.isEmpty()) {
            throw new DatasetInUseException(id, needing);
        }
        deleteNow(id);
    }

    /** Deletes the dataset whoever owns it (the sweep); false when it was already gone. */
    boolean deleteNow(UUID id) {
        record Deleted(Dataset dataset, boolean shared) {
        }
        Optional<Deleted> deleted = QuarkusTransaction.requiringNew().call(() -> Dataset.findForUpdate(id).map(d -> {
            boolean shared = Dataset.objectShared(d.objectKey, d.id);
            d.delete();
            d.sequence++;
            return new Deleted(d, shared);
        }));
        if (deleted.isEmpty()) {
            return false;
        }
        Dataset dataset = deleted.get().dataset();
        if (dataset.uploadId != null) {
            store.abortMultipart(dataset.objectKey, dataset.uploadId);
        }
        if (!deleted.get().shared()) {
            store.delete(dataset.objectKey);
        }
        events.publish(DatasetEvent.DELETED, dataset);
        LOG.infof("Deleted dataset %s of %s", dataset.id, dataset.owner);
        return true;
    }

    public Dataset get(UUID id, String owner) {
        return Dataset.findOwned(id, owner).orElseThrow(() -> ProblemException.notFound("Dataset " + id));
    }

    /** The owner's datasets, newest first. */
    public List<Dataset> list(String owner) {
        return Dataset.listOwned(owner);
    }

    private static ProblemException uploadGone(RejectedByStoreException e) {
        if ("NoSuchUpload".equals(e.code())) {
            return new ProblemException(Status.CONFLICT, "The upload of this dataset is no longer open (completed,"
                    + " aborted or expired); create a new dataset to upload again");
        }
        throw new ObjectStoreException("the store refused a request about an upload: " + e.getMessage(), e);
    }

    static ProblemException nameTaken(String name) {
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
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
