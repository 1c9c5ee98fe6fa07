package io.finetune.recipes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV records as RFC 4180 has them: quoted cells may hold commas, doubled quotes and line
 * breaks. Free text needs that; each record keeps the line it starts on, for messages.
 */
public final class CsvRecords implements AutoCloseable {

    /** @param line the 1-based line the record starts on */
    public record Row(long line, List<String> cells) {
    }

    private final BufferedReader reader;
    private long line;

    public CsvRecords(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next record, or null at the end; a blank line is a record with one empty cell. */
    public Row next() throws IOException {
        String text = reader.readLine();
        if (text == null) {
            return null;
        }
        long start = ++line;
        if (start == 1) {
            text = text.replace("\uFEFF", "");
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i == text.length()) {
                if (!quoted) {
                    break;
                }
                String more = reader.readLine();
                if (more == null) {
                    throw new TrainingInputException("Line " + start + ": a quoted cell is never closed.");
                }
                line++;
                cell.append('\n');
                text = more;
                i = 0;
                continue;
            }
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"' && i < text.length() && text.charAt(i) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return new Row(start, cells);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
