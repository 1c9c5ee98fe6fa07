package io.finetune.trainer.service;

import io.finetune.recipes.TrainingInputException;
import io.finetune.trainer.config.TrainerConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Dataset bytes in and model artifacts out, through the S3 store. */
@ApplicationScoped
public class ArtifactStore {

    private static final Pattern S3_URI = Pattern.compile("s3://([^/]+)/(.+/)");

    private final MinioClient minio;
    private final TrainerConfig.Storage storage;

    public ArtifactStore(MinioClient minio, TrainerConfig config) {
        this.minio = minio;
        this.storage = config.storage();
    }

    /** The dataset's bytes; the caller closes the stream. */
    public InputStream openDataset(String objectKey) throws IOException {
        try {
            return minio.getObject(GetObjectArgs.builder().bucket(storage.datasetsBucket()).object(objectKey).build());
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                throw new TrainingInputException("The dataset file is missing from storage ("
                        + storage.datasetsBucket() + "/" + objectKey + "); upload the dataset again.");
            }
            throw new IOException("reading dataset " + objectKey, e);
        } catch (Exception e) {
            throw new IOException("reading dataset " + objectKey, e);
        }
    }

    /**
     * Uploads every file under {@code dir} below {@code prefix} in the models bucket, creating the
     * bucket when it is missing (a fresh store, or one wiped since start-up).
     *
     * @return the artifact's URI, {@code s3://<bucket>/<prefix>}
     */
    public String uploadModel(String prefix, Path dir) throws IOException {
        try {
            String bucket = storage.modelsBucket();
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                makeBucket(bucket);
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                String key = prefix + dir.relativize(file).toString().replace('\\', '/');
                minio.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString())
                        .contentType(file.toString().endsWith(".json") ? "application/json" : "application/octet-stream")
                        .build());
            }
            return "s3://" + bucket + "/" + prefix;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("uploading model " + prefix, e);
        }
    }

    /**
     * Uploads one file to {@code bucket}/{@code key}, creating the bucket when it is missing.
     *
     * @return its URI, {@code s3://<bucket>/<key>}
     */
    public String uploadFile(String bucket, String key, Path file, String contentType) throws IOException {
        try {
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                makeBucket(bucket);
            }
            minio.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString())
                    .contentType(contentType).build());
            return "s3://" + bucket + "/" + key;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("uploading " + key, e);
        }
    }

    /**
     * Downloads the model artifact at {@code uri} ({@code s3://bucket/prefix/}) into {@code into}.
     *
     * @return false when nothing is stored there (a version deleted since, or a malformed URI)
     */
    public boolean downloadModel(String uri, Path into) throws IOException {
        Matcher m = S3_URI.matcher(uri);
        return m.matches() && download(m.group(1), m.group(2), into, Set.of());
    }

    /**
     * Downloads every object below {@code prefix} except the {@code skipped} names into {@code into},
     * keeping their relative paths.
     *
     * @return false when there is no object below the prefix
     */
    public boolean download(String bucket, String prefix, Path into, Set<String> skipped) throws IOException {
        List<Item> items = list(bucket, prefix, true);
        Files.createDirectories(into);
        for (Item item : items) {
            String name = item.objectName().substring(prefix.length());
            if (skipped.contains(name)) {
                continue;
            }
            Path file = into.resolve(name).normalize();
            if (!file.startsWith(into)) {
                throw new IOException("object " + item.objectName() + " points outside " + into);
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object(item.objectName())
                    .build())) {
                Files.copy(in, file);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("reading " + item.objectName(), e);
            }
        }
        return !items.isEmpty();
    }

    /** The objects below {@code prefix}; none when the bucket does not exist. */
    public List<Item> list(String bucket, String prefix, boolean recursive) throws IOException {
        List<Item> items = new ArrayList<>();
        try {
            for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                    .recursive(recursive).build())) {
                items.add(result.get());
            }
            return items;
        } catch (ErrorResponseException e) {
            if ("NoSuchBucket".equals(e.errorResponse().code())) {
                return items;
            }
            throw new IOException("listing " + prefix, e);
        } catch (Exception e) {
            throw new IOException("listing " + prefix, e);
        }
    }

    private void makeBucket(String bucket) throws Exception {
        try {
            minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        } catch (ErrorResponseException e) {
            // Another worker created it between the check and the call
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())
                    && !"BucketAlreadyExists".equals(e.errorResponse().code())) {
                throw e;
            }
        }
    }
}
