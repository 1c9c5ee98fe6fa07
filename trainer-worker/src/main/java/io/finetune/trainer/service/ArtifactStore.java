package io.finetune.trainer.service;

import io.finetune.trainer.config.TrainerConfig;
import io.finetune.trainer.recipe.TrainingInputException;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Dataset bytes in and model artifacts out, through the S3 store. */
@ApplicationScoped
public class ArtifactStore {

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
