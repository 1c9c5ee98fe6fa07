package io.finetune.serving.service;

import io.finetune.recipes.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A version in memory, reference counted: the server holds one reference while the version may be
 * picked, every prediction one more while it runs. A replaced or evicted version is retired (the
 * server's reference dropped) and its native memory freed by whichever prediction finishes last, so
 * no request ever runs on a closed model.
 */
public final class LoadedModel {

    private static final Logger LOG = Logger.getLogger(LoadedModel.class);

    private final ModelVersion version;
    private final TrainedModel model;
    private final Path directory;
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    private volatile long lastUsedNanos = System.nanoTime();

    LoadedModel(ModelVersion version, TrainedModel model, Path directory) {
        this.version = version;
        this.model = model;
        this.directory = directory;
    }

    public ModelVersion version() {
        return version;
    }

    public TrainedModel model() {
        return model;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** @return false when it is closed already (never for a version the server still holds) */
    boolean acquire() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                lastUsedNanos = System.nanoTime();
                return true;
            }
        }
    }

    /** Ends one prediction's use; the last user of a retired version closes it. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            close();
        }
    }

    /** The server lets go of it: closed now if idle, else when the last prediction on it ends. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    private void close() {
        try {
            model.close();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Closing %s failed", version);
        }
        deleteDirectory(directory);
        LOG.infof("Unloaded %s", version);
    }

    static void deleteDirectory(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf(e, "Could not delete %s", dir);
        }
    }
}
