package io.finetune.gateway.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code POST /api/v1/datasets}: opens an upload session for a new dataset. */
public record CreateDatasetRequest(
        @NotNull(message = "is required")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}",
                message = "must be 1 to 100 characters: letters, digits, spaces, '.', '_' or '-', starting with a letter or digit")
        String name) {
}
