package io.finetune.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * {@code source} of {@code POST /api/v1/datasets}: where to import the file from instead of an upload,
 * exactly one of {@code url} and {@code s3}. dataset-service checks the rest (one source, the URL's
 * scheme and address, the bucket, the object, the credentials, the size).
 *
 * @param url a file at an https URL
 * @param s3 an object of the platform's store in a bucket the operator allows, or, with
 *        {@code accessKeyId} and {@code secretAccessKey}, of another S3-compatible store
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportSource(String url, @Valid S3Object s3) {

    /**
     * @param endpoint the other store's https URL (null: AWS S3); region, credentials and session token
     *        are used for this import only and never stored
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record S3Object(@NotNull(message = "is required") String bucket, @NotNull(message = "is required") String key,
            String endpoint, String region, String accessKeyId,
            String secretAccessKey, String sessionToken) {

        /** Never the secret or the token. */
        @Override
        public String toString() {
            return "s3://" + bucket + "/" + key + (endpoint == null ? "" : " at " + endpoint);
        }
    }
}
