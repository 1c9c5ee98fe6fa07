package io.finetune.gateway.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * {@code POST /api/v1/datasets}: opens an upload session for a new dataset, or imports it from {@code source}.
 *
 * @param size the file's size in bytes (optional; checked against the limit, decides single PUT or multipart)
 * @param contentType the file's media type (optional), e.g. {@code text/csv}
 * @param upload {@code single} or {@code multipart} (optional; by default multipart for a file larger than one part)
 * @param source an object to import instead of an upload (then without size, contentType and upload)
 * @param purpose {@code training} (the default: rows with a {@code label}) or {@code prediction} (the rows a
 *        prediction job predicts; the label column optional)
 */
public record CreateDatasetRequest(
        @NotNull(message = "is required")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}",
                message = "must be 1 to 100 characters: letters, digits, spaces, '.', '_' or '-', starting with a letter or digit")
        String name,
        @Positive(message = "must be the file's size in bytes, at least 1")
        Long size,
        String contentType,
        @Pattern(regexp = "single|multipart", message = "must be \"single\" or \"multipart\"")
        String upload,
        @Valid
        ImportSource source,
        @Pattern(regexp = "training|prediction", message = "must be \"training\" or \"prediction\"")
        String purpose) {
}
