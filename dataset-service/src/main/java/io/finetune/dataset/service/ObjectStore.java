package io.finetune.dataset.service;

import com.google.common.collect.HashMultimap;
import io.finetune.dataset.config.DatasetConfig;
import io.minio.BucketExistsArgs;
import io.minio.ComposeObjectArgs;
import io.minio.ComposeSource;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListPartsResponse;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.Part;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * The datasets bucket in the S3-compatible store. Users send bytes straight to it through presigned
 * URLs (one PUT, or one per part of a multipart upload), so they never pass through the platform's services.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    /** The largest object S3's CopyObject copies in one request. */
    private static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;
    /** 16 MiB parts take a stream of unknown size up to 160 GiB within S3's 10,000 parts. */
    static final long STREAM_PART_SIZE = 16L * 1024 * 1024;
    /** S3 answers at most this many parts per ListParts page. */
    private static final int PARTS_PAGE = 1000;

    private final MinioClient minio;
    /** Multipart calls are public only on the async client in minio-java 8. */
    private final MinioAsyncClient multipart;
    private final String bucket;

    public ObjectStore(MinioClient minio, MinioAsyncClient multipart, DatasetConfig config) {
        this.minio = minio;
        this.multipart = multipart;
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
        return presign(key, expiry, Map.of());
    }

    /** A URL that lets whoever holds it PUT part {@code partNumber} of one multipart upload of {@code key}. */
    public String presignedPart(String key, String uploadId, int partNumber, Duration expiry) {
        return presign(key, expiry, Map.of("uploadId", uploadId, "partNumber", Integer.toString(partNumber)));
    }

    private String presign(String key, Duration expiry, Map<String, String> query) {
        try {
            return minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.PUT)
                    .bucket(bucket)
                    .object(key)
                    .expiry((int) expiry.toSeconds())
                    .extraQueryParams(query)
                    .build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot presign an upload URL for " + key, e);
        }
    }

    /** Starts a multipart upload of {@code key}; answers its upload id. */
    public String startMultipart(String key, String contentType) {
        HashMultimap<String, String> headers = HashMultimap.create();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return await("start a multipart upload of " + key,
                () -> multipart.createMultipartUploadAsync(bucket, null, key, headers, null)).result().uploadId();
    }

    /** The parts stored so far, in part-number order. */
    public List<Part> listParts(String key, String uploadId) {
        List<Part> parts = new ArrayList<>();
        Integer marker = null;
        while (true) {
            Integer from = marker;
            ListPartsResponse page = await("list the parts of " + key,
                    () -> multipart.listPartsAsync(bucket, null, key, PARTS_PAGE, from, uploadId, null, null));
            parts.addAll(page.result().partList());
            if (!page.result().isTruncated()) {
                return parts;
            }
            marker = page.result().nextPartNumberMarker();
        }
    }

    /** Joins the parts into the object; the store checks every ETag. */
    public void completeMultipart(String key, String uploadId, List<Part> parts) {
        await("complete the multipart upload of " + key, () -> multipart.completeMultipartUploadAsync(
                bucket, null, key, uploadId, parts.toArray(Part[]::new), null, null));
    }

    /** Drops the upload and its parts; an upload already gone counts as aborted. */
    public void abortMultipart(String key, String uploadId) {
        try {
            await("abort the multipart upload of " + key,
                    () -> multipart.abortMultipartUploadAsync(bucket, null, key, uploadId, null, null));
        } catch (RejectedByStoreException e) {
            if (!"NoSuchUpload".equals(e.code())) {
                throw e;
            }
        }
    }

    /** The object's size in bytes, or empty when nothing has been uploaded under {@code key}. */
    public OptionalLong size(String key) {
        return sizeIn(bucket, key);
    }

    /**
     * The size of an object of any bucket the service's credentials can read; empty when there is no
     * such object. A bucket it may not read is a {@link RejectedByStoreException} ({@code AccessDenied}).
     */
    public OptionalLong sizeIn(String bucketName, String key) {
        try {
            return OptionalLong.of(minio.statObject(StatObjectArgs.builder().bucket(bucketName).object(key).build()).size());
        } catch (ErrorResponseException e) {
            if (e.response() != null && e.response().code() == 404) {
                return OptionalLong.empty();
            }
            if (e.response() != null && e.response().code() == 403) {
                throw new RejectedByStoreException("AccessDenied", "cannot read " + bucketName + "/" + key, e);
            }
            throw new ObjectStoreException("cannot stat " + bucketName + "/" + key, e);
        } catch (Exception e) {
            throw new ObjectStoreException("cannot stat " + bucketName + "/" + key, e);
        }
    }

    /**
     * Copies another bucket's object to {@code key} inside the store: the bytes never pass through this
     * service. S3 copies at most 5 GiB in one request; a larger object is copied part by part.
     */
    public void copyIn(String sourceBucket, String sourceKey, long size, String key) {
        try {
            if (size <= MAX_SINGLE_COPY) {
                minio.copyObject(CopyObjectArgs.builder().bucket(bucket).object(key)
                        .source(CopySource.builder().bucket(sourceBucket).object(sourceKey).build()).build());
            } else {
                minio.composeObject(ComposeObjectArgs.builder().bucket(bucket).object(key)
                        .sources(List.of(ComposeSource.builder().bucket(sourceBucket).object(sourceKey).build())).build());
            }
        } catch (Exception e) {
            throw new ObjectStoreException("cannot copy " + sourceBucket + "/" + sourceKey + " to " + key, e);
        }
    }

    /**
     * Writes a stream to {@code key} as it is read, in parts of {@value #STREAM_PART_SIZE} bytes, so
     * that memory stays bounded whatever the size; {@code size} -1 when unknown. A failing stream
     * leaves no object (the client aborts its multipart upload).
     */
    public void putStream(String key, InputStream bytes, long size) throws IOException {
        try {
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(bytes, size, STREAM_PART_SIZE).build());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new ObjectStoreException("cannot write " + key, e);
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

    /** Removes the object; removing one that is not there succeeds. */
    public void delete(String key) {
        try {
            minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot delete " + key, e);
        }
    }

    private interface AsyncCall<T> {
        java.util.concurrent.CompletableFuture<T> start() throws Exception;
    }

    private static <T> T await(String what, AsyncCall<T> call) {
        try {
            return call.start().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while trying to " + what, e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ErrorResponseException error && error.response() != null
                    && error.response().code() < 500) {
                throw new RejectedByStoreException(error.errorResponse().code(), error.errorResponse().message(), error);
            }
            throw new ObjectStoreException("cannot " + what, cause);
        } catch (Exception e) {
            throw new ObjectStoreException("cannot " + what, e);
        }
    }

    /** The object store failed or is unreachable: not the caller's fault. */
    public static class ObjectStoreException extends RuntimeException {

        ObjectStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The store refused a request as the client's fault (a 4xx), e.g. {@code InvalidPart} or {@code NoSuchUpload}. */
    public static class RejectedByStoreException extends RuntimeException {

        private final String code;

        RejectedByStoreException(String code, String message, Throwable cause) {
            super(code + ": " + message, cause);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
