package io.finetune.dataset.support;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** What the import tests import: a valid tabular file, and objects put into a bucket of the real store. */
public final class ImportFiles {

    private ImportFiles() {
    }

    /** A valid tabular-classification CSV of {@code rows} rows (two features, labels ok/fail alternating). */
    public static byte[] csv(int rows) {
        StringBuilder csv = new StringBuilder("temperature,vibration,label\n");
        for (int i = 0; i < rows; i++) {
            csv.append(60 + i % 40).append(".25,0.").append(i % 10).append(',').append(i % 2 == 0 ? "ok" : "fail").append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Puts the bytes under a new key of {@code bucket} (created when missing); answers the key. */
    public static String put(MinioClient minio, String bucket, byte[] bytes) throws Exception {
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        String key = "exports/" + UUID.randomUUID() + ".csv";
        minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return key;
    }
}
