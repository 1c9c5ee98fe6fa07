package io.finetune.gateway.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * {@code source} of {@code POST /api/v1/datasets}: where to import the file from instead of an upload.
 * dataset-service checks the rest (allowed bucket, object there, size).
 *
 * @param s3 an object of the platform's store, in a bucket the operator allows
 */
public record ImportSource(@NotNull(message = "is required: {\"s3\": {\"bucket\": ..., \"key\": ...}}") @Valid S3Object s3) {

    public record S3Object(@NotNull(message = "is required") String bucket, @NotNull(message = "is required") String key) {
    }
}
