package io.finetune.dataset.rest;

import io.finetune.common.problem.Problem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Where {@code POST /datasets} imports the file from instead of a browser upload: exactly one of
 * {@code url} and {@code s3}.
 *
 * @param url a file at an https URL (a public link or a presigned URL of another store)
 * @param s3 an object of the platform's own store in a bucket the configuration allows, or, with
 *        {@code accessKeyId} and {@code secretAccessKey}, of any S3-compatible store read with those
 */
public record ImportSource(@Size(max = 2048, message = "must be at most 2048 characters long") String url,
        @Valid S3Object s3) {

    /** What is wrong with the combination of fields (each field's own form is checked by its annotations). */
    List<Problem.FieldError> problems() {
        if ((url == null) == (s3 == null)) {
            return List.of(new Problem.FieldError("source", "give exactly one of url and s3, e.g. {\"url\": \"https://...\"}"
                    + " or {\"s3\": {\"bucket\": ..., \"key\": ...}}"));
        }
        if (s3 != null && (s3.accessKeyId == null) != (s3.secretAccessKey == null)) {
            return List.of(new Problem.FieldError(s3.accessKeyId == null ? "source.s3.accessKeyId" : "source.s3.secretAccessKey",
                    "is required with " + (s3.accessKeyId == null ? "secretAccessKey" : "accessKeyId")
                            + "; give both, or neither for an object of the platform's own store"));
        }
        if (s3 != null && !s3.hasCredentials() && (s3.endpoint != null || s3.region != null || s3.sessionToken != null)) {
            return List.of(new Problem.FieldError("source.s3", "endpoint, region and sessionToken go with accessKeyId and"
                    + " secretAccessKey (an object of another store); leave them out for the platform's own store"));
        }
        return List.of();
    }

    /**
     * @param endpoint the other store's URL (https); null: AWS S3. Only with credentials.
     * @param region the bucket's region; null: us-east-1. Only with credentials.
     * @param sessionToken for temporary credentials (AWS STS); optional
     */
    public record S3Object(
            @NotBlank(message = "is required") @Size(max = 63, message = "must be at most 63 characters long") String bucket,
            @NotBlank(message = "is required") @Size(max = 1024, message = "must be at most 1024 characters long") String key,
            @Size(max = 2048, message = "must be at most 2048 characters long") String endpoint,
            @Size(max = 64, message = "must be at most 64 characters long") String region,
            @Size(max = 256, message = "must be at most 256 characters long") String accessKeyId,
            @Size(max = 256, message = "must be at most 256 characters long") String secretAccessKey,
            @Size(max = 4096, message = "must be at most 4096 characters long") String sessionToken) {

        /** Never the secret or the token: a validation failure may put this record in a message or a log. */
        @Override
        public String toString() {
            return "s3://" + bucket + "/" + key + (endpoint == null ? "" : " at " + endpoint);
        }

        boolean hasCredentials() {
            return accessKeyId != null && secretAccessKey != null;
        }
    }
}
