package io.finetune.dataset.service;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import io.finetune.dataset.messaging.DatasetEventProducer;
import io.finetune.dataset.service.DatasetService.Completion;
import io.finetune.dataset.service.DatasetService.NewUpload;
import io.finetune.dataset.service.ObjectStore.RejectedByStoreException;
import io.finetune.dataset.service.RemoteSources.Opened;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * Datasets that the service fetches itself instead of a browser upload: an object of an allowed
 * bucket of the platform's own store (copied inside the store), a file at an https URL, or an object
 * of another S3 store read with the user's credentials. The last two stream into the store as they
 * are read, in bounded memory and with no local copy, with the size limit counted on the bytes
 * themselves; then the dataset is validated exactly like an upload.
 */
@ApplicationScoped
public class DatasetImports {

    private static final Logger LOG = Logger.getLogger(DatasetImports.class);
    /** Imports reading from outside at the same time on this instance; more wait their turn. */
    private static final int IMPORT_THREADS = 2;

    private final DatasetService datasets;
    private final ObjectStore store;
    private final RemoteSources sources;
    private final DatasetEventProducer events;
    private final DatasetConfig config;
    private final ExecutorService threads;

    public DatasetImports(DatasetService datasets, ObjectStore store, RemoteSources sources,
            DatasetEventProducer events, DatasetConfig config) {
        this.datasets = datasets;
        this.store = store;
        this.sources = sources;
        this.events = events;
        this.config = config;
        this.threads = DaemonThreads.pool(IMPORT_THREADS, "dataset-import");
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }

    /**
     * Imports an object of a bucket the configuration allows: checks it (bucket allowed and readable,
     * object there, size within the limit), records the dataset, copies the object inside the store to
     * the dataset's own key, then completes it as an upload: the size is checked again on the copy, and
     * the file is validated within the request when small, behind a 202 otherwise.
     */
    public Completion fromStore(String owner, String name, String sourceBucket, String sourceKey) {
        Set<String> allowed = new TreeSet<>(config.importBuckets().orElse(Set.of()));
        if (!allowed.contains(sourceBucket)) {
            throw invalidSource("source.s3.bucket", allowed.isEmpty()
                    ? "this platform imports from no bucket of its own store; give the object's endpoint and"
                            + " your credentials, or upload the file"
                    : "is not a bucket this platform imports from; allowed: " + String.join(", ", allowed));
        }
        OptionalLong size;
        try {
            size = store.sizeIn(sourceBucket, sourceKey);
        } catch (RejectedByStoreException e) {
            throw invalidSource("source.s3.bucket", "the platform may not read this bucket (" + e.code()
                    + "); ask an operator to grant its store credentials read access");
        }
        if (size.isEmpty()) {
            throw invalidSource("source.s3.key", "there is no object with this key in bucket '" + sourceBucket + "'");
        }
        long bytes = size.getAsLong();
        checkSize(bytes, "source.s3.key");
        Dataset dataset = insert(owner, name, bytes, "s3://" + sourceBucket + "/" + sourceKey);
        try {
            store.copyIn(sourceBucket, sourceKey, bytes, dataset.objectKey);
        } catch (RuntimeException e) {
            datasets.deleteNow(dataset.id); // nothing to keep: the name is free again for the next try
            throw e;
        }
        LOG.infof("Imported %s/%s as dataset %s of %s", sourceBucket, sourceKey, dataset.id, owner);
        return datasets.validateStored(dataset);
    }

    /** Imports the file at a URL (https; see {@link RemoteSources}). */
    public Completion fromUrl(String owner, String name, RemoteSources.Url source) {
        return fromOutside(owner, name, "source.url", () -> sources.open(source));
    }

    /** Imports an object of another S3-compatible store with the user's credentials. */
    public Completion fromOtherStore(String owner, String name, RemoteSources.S3Object source) {
        return fromOutside(owner, name, "source.s3.key", () -> sources.open(source));
    }

    private interface Opener {
        Opened open();
    }

    /**
     * Opens the source within the request (so that a wrong URL, key or credential is a 422 now), records
     * the dataset as importing, then streams the bytes into the store: within the request when the
     * source says the file is small, behind a 202 otherwise. A failure while streaming rejects the
     * dataset with a problem that says why; the partial object is dropped.
     */
    private Completion fromOutside(String owner, String name, String sizeField, Opener opener) {
        if (Dataset.nameTaken(owner, name)) {
            throw DatasetService.nameTaken(name); // before any request leaves the platform
        }
        Opened opened;
        try {
            opened = opener.open();
        } catch (RemoteSources.SourceException e) {
            throw invalidSource(e.field(), e.getMessage());
        }
        boolean started = false;
        try {
            if (opened.size().isPresent()) {
                checkSize(opened.size().getAsLong(), sizeField);
            }
            Dataset dataset = insert(owner, name, opened.size().isPresent() ? opened.size().getAsLong() : null,
                    opened.description());
            LOG.infof("Importing %s as dataset %s of %s", opened.description(), dataset.id, owner);
            boolean small = opened.size().isPresent() && opened.size().getAsLong() <= config.syncValidationMaxBytes();
            if (small) {
                started = true;
                return transfer(dataset, opened);
            }
            threads.execute(() -> {
                ManagedContext request = Arc.container().requestContext();
                request.activate();
                try {
                    transfer(dataset, opened);
                } catch (RuntimeException e) {
                    // the sweep rejects it once it is older than the import's time limit
                    LOG.errorf(e, "Import of dataset %s failed", dataset.id);
                } finally {
                    request.terminate();
                }
            });
            started = true;
            return new Completion(dataset, false);
        } finally {
            if (!started) {
                closeQuietly(opened);
            }
        }
    }

    /** Streams the source into the dataset's object, then validates it; a failure rejects the dataset. */
    private Completion transfer(Dataset dataset, Opened opened) {
        long limit = config.maxBytes();
        try (opened; InputStream counted = new LimitedStream(opened.body(), limit)) {
            store.putStream(dataset.objectKey, counted, opened.size().orElse(-1));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(dataset.objectKey); // the store keeps no part of a failed write, but be sure
            if (causedBy(e, TooLargeException.class)) {
                return new Completion(datasets.reject(dataset, "the file is more than the limit of " + limit
                        + " bytes; split it or sample it down", null), true);
            }
            LOG.warnf("Import of dataset %s from %s failed: %s", dataset.id, opened.description(), e.toString());
            return new Completion(datasets.reject(dataset, "the import from " + opened.description() + " stopped: "
                    + RemoteSources.reason(e) + "; import it again", null), true);
        }
        if (!QuarkusTransaction.requiringNew().call(() -> Dataset.findByIdOptional(dataset.id).isPresent())) {
            store.delete(dataset.objectKey); // deleted while it was being imported
            return new Completion(dataset, true);
        }
        return datasets.validateStored(dataset);
    }

    /**
     * Rejects imports still importing after the import's time limit and a margin: their instance
     * stopped mid-file, and the user's credentials were never kept to start them again.
     */
    public int rejectStopped(Instant now) {
        Instant before = now.minus(config.importTimeout()).minus(config.importReadTimeout());
        List<Dataset> stopped = QuarkusTransaction.requiringNew().call(
                () -> Dataset.inStatusSince(DatasetStatus.IMPORTING, before));
        for (Dataset dataset : stopped) {
            deleteQuietly(dataset.objectKey);
            datasets.reject(dataset, "the import from " + dataset.source + " stopped before the file was complete"
                    + " (the service restarted); import it again", null);
        }
        return stopped.size();
    }

    private Dataset insert(String owner, String name, Long bytes, String source) {
        UUID id = UUID.randomUUID();
        // derived from the id only, so that no user input ever reaches an object key
        String key = id + "/data";
        UploadPlan noUpload = new UploadPlan(false, null, null);
        Dataset dataset = QuarkusTransaction.requiringNew().call(() -> datasets.insert(id, owner,
                new NewUpload(name, bytes, null, null), noUpload, key, null, DatasetStatus.IMPORTING, source));
        events.publish(DatasetEvent.CREATED, dataset);
        return dataset;
    }

    private void checkSize(long bytes, String field) {
        if (bytes > config.maxBytes()) {
            throw new ProblemException(Status.REQUEST_ENTITY_TOO_LARGE, "The file is " + bytes
                    + " bytes; datasets can be at most " + config.maxBytes() + " bytes",
                    List.of(new Problem.FieldError(field, "must name a file of at most " + config.maxBytes()
                            + " bytes; split it or sample it down")));
        }
    }

    private static ProblemException invalidSource(String field, String message) {
        return new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The import source is not usable",
                List.of(new Problem.FieldError(field, message)));
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (RuntimeException e) {
            LOG.warnf("Could not delete %s after a failed import: %s", key, e);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(Opened opened) {
        try {
            opened.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Closing an import source: %s", e);
        }
    }

    /** More bytes than the limit arrived. */
    static class TooLargeException extends IOException {
        TooLargeException() {
            super("over the size limit");
        }
    }

    /** Counts the bytes as they pass and fails once they exceed the limit, whatever the source declared. */
    static final class LimitedStream extends FilterInputStream {

        private final long limit;
        private long count;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(long n) throws TooLargeException {
            count += n;
            if (count > limit) {
                throw new TooLargeException();
            }
        }
    }
}
