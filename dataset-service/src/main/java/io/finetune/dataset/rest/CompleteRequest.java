package io.finetune.dataset.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The optional body of {@code POST /datasets/{id}/complete} for a multipart upload: the parts to join,
 * as S3 clients send them. Without it the service joins every part the store holds.
 */
public record CompleteRequest(@Valid List<@NotNull(message = "must be a part") PartRef> parts) {

    /** @param etag the ETag the store answered to the part's PUT */
    public record PartRef(
            @NotNull(message = "is required") Integer partNumber,
            @NotBlank(message = "is required") String etag) {
    }
}
