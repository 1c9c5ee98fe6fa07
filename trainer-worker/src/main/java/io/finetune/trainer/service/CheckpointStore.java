package io.finetune.trainer.service;

import io.finetune.recipes.Checkpoint;
import io.finetune.trainer.config.TrainerConfig;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * A job's checkpoints in the models bucket: {@code <jobId>/checkpoints/epoch-<k>/}, one folder per
 * checkpoint (DJL's load picks the highest-epoch parameters of a folder). A checkpoint counts only
 * once its {@value #COMPLETE_MARKER} object exists, written after every other file, so a worker
 * that dies mid-upload never leaves a half checkpoint that a later attempt would load.
 *
 * <p>Every call is retried with backoff (about a minute in all) when the store cannot be reached:
 * failing the attempt at once would spend the job's attempts within seconds of a short store outage
 * (finding F6 of docs/faults.md). Every call is idempotent, so a repeat is safe.
 */
@ApplicationScoped
@Retry(maxRetries = 6, delay = 1000, maxDuration = 120_000, retryOn = IOException.class)
@ExponentialBackoff(factor = 2, maxDelay = 30_000)
public class CheckpointStore {

    static final String COMPLETE_MARKER = "_complete";
    private static final Pattern EPOCH_FOLDER = Pattern.compile(".*/checkpoints/epoch-(\\d+)/$");

    private final MinioClient minio;
    private final ArtifactStore artifacts;
    private final String bucket;

    public CheckpointStore(MinioClient minio, ArtifactStore artifacts, TrainerConfig config) {
        this.minio = minio;
        this.artifacts = artifacts;
        this.bucket = config.storage().modelsBucket();
    }

    public static String prefix(UUID jobId) {
        return jobId + "/checkpoints/";
    }

    public static String prefix(UUID jobId, int epoch) {
        return prefix(jobId) + "epoch-" + epoch + "/";
    }

    /** Uploads {@code dir} as the checkpoint of {@code epoch}, replacing one of the same epoch. */
    public void upload(UUID jobId, int epoch, Path dir) throws IOException {
        artifacts.uploadModel(prefix(jobId, epoch), dir);
        byte[] marker = String.valueOf(epoch).getBytes();
        call(() -> minio.putObject(PutObjectArgs.builder().bucket(bucket).object(prefix(jobId, epoch) + COMPLETE_MARKER)
                .stream(new ByteArrayInputStream(marker), marker.length, -1).build()), "marking checkpoint " + epoch);
    }

    /** The epochs of the job's checkpoints in the store, complete or not, ascending. */
    public List<Integer> epochs(UUID jobId) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        for (Item item : list(prefix(jobId), false)) {
            Matcher m = EPOCH_FOLDER.matcher(item.objectName());
            if (item.isDir() && m.matches()) {
                epochs.add(Integer.parseInt(m.group(1)));
            }
        }
        epochs.sort(Comparator.naturalOrder());
        return epochs;
    }

    /** Deletes all but the newest {@code keep} checkpoints of the job. */
    public void retain(UUID jobId, int keep) throws IOException {
        List<Integer> epochs = epochs(jobId);
        for (int epoch : epochs.subList(0, Math.max(0, epochs.size() - keep))) {
            delete(prefix(jobId, epoch));
        }
    }

    /** Deletes every checkpoint of the job: its model supersedes them. */
    public void deleteAll(UUID jobId) throws IOException {
        delete(prefix(jobId));
    }

    /** Downloads the job's newest complete checkpoint below {@code into}; empty when it has none. */
    public Optional<Checkpoint> latest(UUID jobId, Path into) throws IOException {
        List<Integer> epochs = epochs(jobId);
        for (int i = epochs.size() - 1; i >= 0; i--) {
            int epoch = epochs.get(i);
            String prefix = prefix(jobId, epoch);
            if (!exists(prefix + COMPLETE_MARKER)) {
                continue;
            }
            Path dir = into.resolve("epoch-" + epoch);
            artifacts.download(bucket, prefix, dir, Set.of(COMPLETE_MARKER));
            return Optional.of(new Checkpoint(epoch, dir));
        }
        return Optional.empty();
    }

    private boolean exists(String key) throws IOException {
        try {
            minio.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchBucket".equals(e.errorResponse().code())) {
                return false;
            }
            throw new IOException("checking " + key, e);
        } catch (Exception e) {
            throw new IOException("checking " + key, e);
        }
    }

    private void delete(String prefix) throws IOException {
        List<DeleteObject> objects = list(prefix, true).stream().map(item -> new DeleteObject(item.objectName())).toList();
        if (objects.isEmpty()) {
            return;
        }
        // removeObjects is lazy: the deletes happen while its results are read
        for (Result<DeleteError> result : minio.removeObjects(RemoveObjectsArgs.builder().bucket(bucket).objects(objects)
                .build())) {
            DeleteError error = call(result::get, "deleting below " + prefix);
            throw new IOException("could not delete " + error.objectName() + ": " + error.message());
        }
    }

    private List<Item> list(String prefix, boolean recursive) throws IOException {
        return artifacts.list(bucket, prefix, recursive);
    }

    private interface StoreCall<T> {
        T call() throws Exception;
    }

    private static <T> T call(StoreCall<T> call, String what) throws IOException {
        try {
            return call.call();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(what, e);
        }
    }
}
