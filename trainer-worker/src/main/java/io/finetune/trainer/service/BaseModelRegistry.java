package io.finetune.trainer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.trainer.config.TrainerConfig;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * The base-model registry in the object store (bucket {@code trainer.storage.base-models-bucket}, layout
 * of {@link BaseModel}): what a job reads and an admin's registration writes. Store calls are retried
 * with backoff like {@link CheckpointStore}'s when the store cannot be reached; a missing entry is an
 * answer, not an outage, and is not retried.
 */
@ApplicationScoped
@Retry(maxRetries = 6, delay = 1000, maxDuration = 120_000, retryOn = IOException.class)
@ExponentialBackoff(factor = 2, maxDelay = 30_000)
public class BaseModelRegistry {

    private static final Pattern VERSION_FOLDER = Pattern.compile(".*/([1-9][0-9]*)/$");

    private final MinioClient minio;
    private final ArtifactStore artifacts;
    private final ObjectMapper objectMapper;
    private final String bucket;

    public BaseModelRegistry(MinioClient minio, ArtifactStore artifacts, ObjectMapper objectMapper,
            TrainerConfig config) {
        this.minio = minio;
        this.artifacts = artifacts;
        this.objectMapper = objectMapper;
        this.bucket = config.storage().baseModelsBucket();
    }

    /** The registered version's record; empty when {@code base-model.json} is not there (never registered, or removed). */
    public Optional<BaseModel> find(String name, int version) throws IOException {
        try (InputStream in = open(BaseModel.metadataKey(name, version))) {
            return in == null ? Optional.empty() : Optional.of(objectMapper.readValue(in, BaseModel.class));
        }
    }

    /**
     * Streams the version's {@code model.pt} into {@code file}, hashing it on the way.
     *
     * @return its hex SHA-256, or empty when the object is not there
     */
    public Optional<String> download(BaseModel model, Path file) throws IOException {
        try (InputStream in = open(model.artifactKey())) {
            if (in == null) {
                return Optional.empty();
            }
            MessageDigest sha256 = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha256)) {
                in.transferTo(out);
            }
            return Optional.of(HexFormat.of().formatHex(sha256.digest()));
        }
    }

    /**
     * The highest version of {@code name} that has any object, registered or cut off mid-registration;
     * 0 when there is none. A new version goes above it, so no object is ever overwritten.
     */
    public int highestVersion(String name) throws IOException {
        int highest = 0;
        for (Item item : artifacts.list(bucket, name + "/", false)) {
            Matcher m = VERSION_FOLDER.matcher(item.objectName());
            if (item.isDir() && m.matches()) {
                highest = Math.max(highest, Integer.parseInt(m.group(1)));
            }
        }
        return highest;
    }

    public boolean exists(String key) throws IOException {
        try {
            minio.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if (missing(e)) {
                return false;
            }
            throw new IOException("checking " + key, e);
        } catch (Exception e) {
            throw new IOException("checking " + key, e);
        }
    }

    /** Writes {@code file} to {@code key}, creating the bucket when it is missing. */
    public void upload(String key, Path file, String contentType) throws IOException {
        artifacts.uploadFile(bucket, key, file, contentType);
    }

    public String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The object's bytes, or null when it is not there; the caller closes the stream. */
    private InputStream open(String key) throws IOException {
        try {
            return minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (ErrorResponseException e) {
            if (missing(e)) {
                return null;
            }
            throw new IOException("reading " + key, e);
        } catch (Exception e) {
            throw new IOException("reading " + key, e);
        }
    }

    private static boolean missing(ErrorResponseException e) {
        return "NoSuchKey".equals(e.errorResponse().code()) || "NoSuchBucket".equals(e.errorResponse().code());
    }
}
