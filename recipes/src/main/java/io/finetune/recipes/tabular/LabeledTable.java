package io.finetune.recipes.tabular;

import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV dataset with a {@code label} column and numeric feature columns, read into memory.
 * Cells are split on commas; surrounding quotes and blanks are dropped (the tabular recipe's
 * datasets hold numbers and plain labels only).
 */
public final class LabeledTable {

    private final List<String> featureNames;
    private final List<float[]> rows;
    private final List<String> labels;

    private LabeledTable(List<String> featureNames, List<float[]> rows, List<String> labels) {
        this.featureNames = featureNames;
        this.rows = rows;
        this.labels = labels;
    }

    public static LabeledTable read(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null || header.isBlank()) {
            throw new TrainingInputException("The dataset is empty: it needs a header row with a '"
                    + Recipe.LABEL_COLUMN + "' column and numeric feature columns.");
        }
        String[] columns = cells(header.replace("\uFEFF", ""));
        int labelIndex = -1;
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(Recipe.LABEL_COLUMN)) {
                labelIndex = i;
            }
        }
        if (labelIndex < 0) {
            throw new TrainingInputException("The header has no '" + Recipe.LABEL_COLUMN + "' column.");
        }
        if (columns.length < 2) {
            throw new TrainingInputException("The dataset has no feature columns besides '"
                    + Recipe.LABEL_COLUMN + "'.");
        }
        List<String> featureNames = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            if (i != labelIndex) {
                featureNames.add(columns[i]);
            }
        }
        List<float[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        long line = 1;
        String text;
        while ((text = reader.readLine()) != null) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            String[] cells = cells(text);
            if (cells.length != columns.length) {
                throw new TrainingInputException("Line " + line + " has " + cells.length
                        + " columns; the header has " + columns.length + ".");
            }
            float[] row = new float[columns.length - 1];
            int f = 0;
            for (int i = 0; i < cells.length; i++) {
                if (i == labelIndex) {
                    continue;
                }
                row[f++] = number(cells[i], line, columns[i]);
            }
            if (cells[labelIndex].isEmpty()) {
                throw new TrainingInputException("Line " + line + " has an empty '" + Recipe.LABEL_COLUMN + "'.");
            }
            rows.add(row);
            labels.add(cells[labelIndex]);
        }
        MlpClassificationRecipe.requireRows(rows.size());
        return new LabeledTable(List.copyOf(featureNames), rows, labels);
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public int size() {
        return rows.size();
    }

    public float[] row(int index) {
        return rows.get(index);
    }

    public String label(int index) {
        return labels.get(index);
    }

    private static float number(String cell, long line, String column) {
        try {
            float value = Float.parseFloat(cell);
            if (Float.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the place
        }
        throw new TrainingInputException("Line " + line + ", column '" + column + "': '" + cell
                + "' is not a number; every feature column must be numeric.");
    }

    private static String[] cells(String line) {
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i].strip();
            if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) {
                cell = cell.substring(1, cell.length() - 1).strip();
            }
            cells[i] = cell;
        }
        return cells;
    }
}
