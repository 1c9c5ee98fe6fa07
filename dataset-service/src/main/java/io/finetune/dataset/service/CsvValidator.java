package io.finetune.dataset.service;

import io.finetune.common.events.ValidationProblem;
import io.finetune.common.recipes.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a CSV file against the dataset schema of the {@code tabular-classification} recipe
 * (docs/development.md) in one streaming pass and constant memory, so a file of any size can be
 * validated: a header with a {@code label} column and at least one feature column, one value per
 * column in every row, numeric features, at least {@value #MIN_ROWS} rows and two different labels.
 *
 * <p>Each problem names its line and column and says how to fix it. The first {@value #MAX_PROBLEMS}
 * are kept; the rest of the file is still read, and one last entry says how many more there are.
 */
@ApplicationScoped
public class CsvValidator {

    public static final int MAX_PROBLEMS = 20;
    public static final int MIN_ROWS = 10;
    /** Guards memory against a file without line breaks or with a quote that is never closed. */
    static final int MAX_ROW_CHARS = 1024 * 1024;

    private static final String LABEL = Recipe.LABEL_COLUMN;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final int QUOTED_VALUE_CHARS = 40;

    public CsvValidation validate(InputStream in) throws IOException {
        CsvReader csv = new CsvReader(in, MAX_ROW_CHARS);
        Problems problems = new Problems();
        List<String> columns = List.of();
        long rows = 0;
        String firstLabel = null;
        boolean twoLabels = false;
        try {
            List<String> header = nextNonBlank(csv);
            if (header == null) {
                problems.add(null, null, "the file is empty; upload a UTF-8 CSV file whose first line is a header"
                        + " such as 'feature1,feature2,label', followed by at least " + MIN_ROWS + " data rows");
                return new CsvValidation(0L, columns, problems.list());
            }
            columns = header.stream().map(String::strip).toList();
            int labelIndex = checkHeader(columns, csv.recordLine(), problems);
            List<String> row;
            while ((row = nextNonBlank(csv)) != null) {
                rows++;
                long line = csv.recordLine();
                if (row.size() != columns.size()) {
                    problems.add(line, null, "this row has " + row.size() + " values but the header has "
                            + columns.size() + " columns; give every row exactly one value per column");
                    continue;
                }
                if (labelIndex < 0) {
                    continue;
                }
                for (int i = 0; i < columns.size(); i++) {
                    String value = row.get(i).strip();
                    if (i == labelIndex) {
                        if (value.isEmpty()) {
                            problems.add(line, LABEL, "the label is empty; give every row a label");
                        } else if (firstLabel == null) {
                            firstLabel = value;
                        } else if (!twoLabels && !value.equals(firstLabel)) {
                            twoLabels = true;
                        }
                    } else if (value.isEmpty()) {
                        problems.add(line, columns.get(i), "the value is empty; every feature needs a number");
                    } else if (!NUMBER.matcher(value).matches()) {
                        problems.add(line, columns.get(i), "'" + abbreviate(value)
                                + "' is not a number; feature columns hold numbers such as 3, -0.25 or 1e-3");
                    }
                }
            }
        } catch (CsvFormatException e) {
            problems.add(e.line(), null, e.getMessage());
            return new CsvValidation(null, columns, problems.list());
        }
        if (rows == 0) {
            problems.add(null, null, "the file has a header but no data rows; add at least " + MIN_ROWS
                    + " rows below the header");
        } else if (rows < MIN_ROWS) {
            problems.add(null, null, "the file has only " + rows + " data row" + (rows == 1 ? "" : "s")
                    + "; add rows until there are at least " + MIN_ROWS);
        }
        if (firstLabel != null && !twoLabels) {
            problems.add(null, LABEL, "every row has the label '" + abbreviate(firstLabel) + "'; a classifier needs"
                    + " at least 2 different labels: add rows of another class");
        }
        return new CsvValidation(rows, columns, problems.list());
    }

    /** The index of the label column, or -1 when the header is unusable (its problems are reported). */
    private static int checkHeader(List<String> columns, long line, Problems problems) {
        boolean usable = true;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i);
            if (name.isEmpty()) {
                problems.add(line, null, "column " + (i + 1) + " has no name; give every column a name in the header");
                usable = false;
            } else if (!seen.add(name)) {
                problems.add(line, name, "the column name appears more than once in the header; make each name unique");
                usable = false;
            }
        }
        int labelIndex = columns.indexOf(LABEL);
        if (labelIndex < 0) {
            String hint = columns.stream().filter(LABEL::equalsIgnoreCase).findFirst()
                    .map(c -> "rename '" + c + "' to '" + LABEL + "'")
                    .orElse("add a '" + LABEL + "' column that holds each row's class");
            problems.add(line, null, "the header has no '" + LABEL + "' column; " + hint);
            usable = false;
        } else if (columns.size() < 2) {
            problems.add(line, null, "the header has only the '" + LABEL + "' column; add at least one numeric"
                    + " feature column");
            usable = false;
        }
        return usable ? labelIndex : -1;
    }

    private static List<String> nextNonBlank(CsvReader csv) throws IOException {
        List<String> record;
        do {
            record = csv.next();
        } while (record != null && record.size() == 1 && record.get(0).isBlank());
        return record;
    }

    private static String abbreviate(String value) {
        return value.length() <= QUOTED_VALUE_CHARS ? value : value.substring(0, QUOTED_VALUE_CHARS) + "...";
    }

    /** The first {@value #MAX_PROBLEMS} problems, and a count of the rest. */
    private static final class Problems {

        private final List<ValidationProblem> kept = new ArrayList<>();
        private long more;

        void add(Long line, String column, String message) {
            if (kept.size() < MAX_PROBLEMS) {
                kept.add(new ValidationProblem(line, column, message));
            } else {
                more++;
            }
        }

        List<ValidationProblem> list() {
            List<ValidationProblem> all = new ArrayList<>(kept);
            if (more > 0) {
                all.add(new ValidationProblem(null, null, more + " more problem" + (more == 1 ? " was" : "s were")
                        + " found after these; fix the ones above and check the rest of the file the same way"));
            }
            return List.copyOf(all);
        }
    }
}
