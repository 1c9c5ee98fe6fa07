package io.finetune.dataset.service;

import io.finetune.common.events.ValidationProblem;
import io.finetune.dataset.entity.DatasetKind;
import java.util.List;
import java.util.Map;

/**
 * What {@link DatasetValidator} found in a file.
 *
 * @param rows data rows (header and blank lines excluded); null when the file could not be read to its end
 * @param bytes the bytes read from the store: the object's size
 * @param sha256 hex SHA-256 of those bytes
 * @param format {@code csv} or {@code jsonl}, with {@code +gzip} when compressed
 * @param kind the schema the header shows ({@code text} column or not); null when the file has no header
 * @param columns the column names; empty when there are none
 * @param classCounts rows per label, in the order the labels first appear; empty when there is no usable label column
 * @param problems what the user has to fix; empty when the file is valid
 */
public record Validation(Long rows, long bytes, String sha256, String format, DatasetKind kind, List<String> columns,
        Map<String, Long> classCounts, List<ValidationProblem> problems) {

    public boolean valid() {
        return problems.isEmpty();
    }
}
