package io.finetune.trainer.service;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cells of a CSV file the platform writes for users to open, e.g. in a spreadsheet. A cell that a
 * spreadsheet would run as a formula ({@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return
 * first; OWASP's "CSV injection") gets a leading {@code '}, so it is shown as the text it is; a number
 * such as {@code -0.25} stays a number. Then RFC 4180 quoting: commas, quotes and line breaks.
 */
public final class CsvCells {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvCells() {
    }

    /** One CSV line of these cells, without the line break. */
    public static String line(List<String> cells) {
        return cells.stream().map(CsvCells::cell).collect(Collectors.joining(","));
    }

    public static String cell(String value) {
        String safe = value;
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 && !NUMBER.matcher(value).matches()) {
            safe = "'" + value;
        }
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
