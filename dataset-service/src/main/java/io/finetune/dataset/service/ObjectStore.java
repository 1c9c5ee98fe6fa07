package io.finetune.dataset.service;

import io.finetune.dataset.config.DatasetConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.InputStream;
import java.time.Duration;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The datasets bucket in the S3-compatible store. Users send bytes straight to it through presigned
 * URLs, so they never pass through the platform's services.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);

    private final MinioClient minio;
    private final String bucket;

    public ObjectStore(MinioClient minio, DatasetConfig config) {
        this.minio = minio;
        this.bucket = config.bucket();
    }

    void ensureBucket(@Observes StartupEvent start) {
        try {
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                LOG.infof("Created bucket %s", bucket);
            }
        } catch (ErrorResponseException e) {
            // another instance created it between our check and our create
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                throw new ObjectStoreException("cannot create bucket " + bucket, e);
            }
        } catch (Exception e) {
            throw new ObjectStoreException("cannot reach the object store to check bucket " + bucket, e);
        }
    }

    /** A URL that lets whoever holds it PUT the object {@code key} until it expires. */
    public String presignedPut(String key, Duration expiry) {
        try {
            return minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.PUT)
                    .bucket(bucket)
                    .object(key)
                    .expiry((int) expiry.toSeconds())
                    .build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot presign an upload URL for " + key, e);
        }
    }

    /** The object's size in bytes, or empty when nothing has been uploaded under {@code key}. */
    public OptionalLong size(String key) {
        try {
            return OptionalLong.of(minio.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).size());
        } catch (ErrorResponseException e) {
            if (e.response() != null && e.response().code() == 404) {
                return OptionalLong.empty();
            }
            throw new ObjectStoreException("cannot stat " + key, e);
        } catch (Exception e) {
            throw new ObjectStoreException("cannot stat " + key, e);
        }
    }

    /** The object's bytes; the caller closes the stream. */
    public InputStream open(String key) {
        try {
            return minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot read " + key, e);
        }
    }

    /** The object store failed or is unreachable: not the caller's fault. */
    public static class ObjectStoreException extends RuntimeException {

        ObjectStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
