package io.finetune.dataset.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /datasets}.
 *
 * @param size the file's size in bytes; checked against the limit now, and decides the upload plan
 * @param contentType stored with the object, e.g. {@code text/csv}
 * @param upload {@code single} (one presigned PUT) or {@code multipart}; by default multipart when the file is larger than one part
 * @param source an object to import instead of an upload (then {@code size}, {@code contentType} and {@code upload} stay out)
 * @param purpose {@code training} (the default: labelled rows) or {@code prediction} (inputs for a prediction job,
 *        the {@code label} column optional)
 */
public record CreateDatasetRequest(
        @NotNull(message = "is required")
        @Size(min = 1, max = 100, message = "must be 1 to 100 characters long")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9 ._-]*",
                message = "must start with a letter or digit and hold only letters, digits, spaces, '.', '_' and '-'")
        String name,
        Long size,
        @Size(max = 255, message = "must be at most 255 characters long")
        @Pattern(regexp = "[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+", message = "must be a media type such as text/csv")
        String contentType,
        @Pattern(regexp = "single|multipart", message = "must be \"single\" or \"multipart\"")
        String upload,
        @Valid
        ImportSource source,
        @Pattern(regexp = "training|prediction", message = "must be \"training\" or \"prediction\"")
        String purpose) {
}
