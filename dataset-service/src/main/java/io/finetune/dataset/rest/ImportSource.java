package io.finetune.dataset.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Where {@code POST /datasets} imports the file from instead of a browser upload.
 *
 * @param s3 an object of the platform's store, in a bucket the configuration allows
 */
public record ImportSource(@NotNull(message = "is required: {\"s3\": {\"bucket\": ..., \"key\": ...}}") @Valid S3Object s3) {

    public record S3Object(
            @NotBlank(message = "is required") @Size(max = 63, message = "must be at most 63 characters long") String bucket,
            @NotBlank(message = "is required") @Size(max = 1024, message = "must be at most 1024 characters long") String key) {
    }
}
