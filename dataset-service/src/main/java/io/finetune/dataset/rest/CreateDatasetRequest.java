package io.finetune.dataset.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /datasets}. */
public record CreateDatasetRequest(
        @NotNull(message = "is required")
        @Size(min = 1, max = 100, message = "must be 1 to 100 characters long")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9 ._-]*",
                message = "must start with a letter or digit and hold only letters, digits, spaces, '.', '_' and '-'")
        String name) {
}
