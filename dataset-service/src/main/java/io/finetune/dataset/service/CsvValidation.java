package io.finetune.dataset.service;

import io.finetune.common.events.ValidationProblem;
import java.util.List;

/**
 * What {@link CsvValidator} found in a file.
 *
 * @param rows data rows (header and blank lines excluded); null when the file could not be read to its end
 * @param columns the header's column names; empty when there is no header
 * @param problems what the user has to fix; empty when the file is valid
 */
public record CsvValidation(Long rows, List<String> columns, List<ValidationProblem> problems) {

    public boolean valid() {
        return problems.isEmpty();
    }
}
