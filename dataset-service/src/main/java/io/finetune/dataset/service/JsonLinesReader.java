package io.finetune.dataset.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON Lines: one JSON object per line, the first object's keys are the columns. Values come
 * back as text (numbers as written, null as empty) so that the same schema checks apply as for CSV.
 * A line that is no JSON object, or has other keys than the first, is reported here and comes back
 * as {@link RecordReader#REPORTED}. One line at a time, capped in length, its bytes collected
 * without decoding them one character at a time.
 */
final class JsonLinesReader implements RecordReader {

    /** Trailing text after the object and repeated keys are mistakes a user should hear about. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Utf8Input in;
    private final int maxLineChars;
    private final Problems problems;
    private final Record line = new Record();
    private final Record values = new Record();
    private List<String> columns;
    private JsonNode first;
    private long recordLine;

    JsonLinesReader(Utf8Input in, int maxLineChars, Problems problems) {
        this.in = in;
        this.maxLineChars = maxLineChars;
        this.problems = problems;
    }

    @Override
    public long recordLine() {
        return recordLine;
    }

    @Override
    public List<String> header() throws IOException {
        JsonNode node;
        do {
            String line = nextLine();
            if (line == null) {
                return null;
            }
            node = parse(line);
        } while (node == null);
        first = node;
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        columns = List.copyOf(names);
        return columns;
    }

    @Override
    public Record next() throws IOException {
        JsonNode node;
        if (first != null) {
            node = first;
            first = null;
        } else {
            String line = nextLine();
            if (line == null) {
                return null;
            }
            node = parse(line);
            if (node == null) {
                return REPORTED;
            }
        }
        if (node.size() != columns.size() || !sameKeys(node)) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            problems.add(recordLine, null, "this object has the keys " + Problems.abbreviate(keys.toString())
                    + " but the first line has " + Problems.abbreviate(columns.toString())
                    + "; give every line the same keys");
            return REPORTED;
        }
        values.clear();
        for (String column : columns) {
            JsonNode value = node.get(column);
            values.append((value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString())
                    .getBytes(StandardCharsets.UTF_8));
            values.endValue();
        }
        return values;
    }

    private boolean sameKeys(JsonNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            if (!columns.contains(fields.next().getKey())) {
                return false;
            }
        }
        return true;
    }

    /** The object on the line, or null when it is none (reported). */
    private JsonNode parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            problems.add(recordLine, null, "this line is not valid JSON (" + Problems.abbreviate(e.getOriginalMessage())
                    + "); write one JSON object per line, such as {\"feature1\": 0.5, \"label\": \"cat\"}");
            return null;
        }
        if (!node.isObject()) {
            problems.add(recordLine, null, "this line holds a JSON " + node.getNodeType().name().toLowerCase()
                    + ", not an object; write one JSON object per line, such as {\"feature1\": 0.5, \"label\": \"cat\"}");
            return null;
        }
        return node;
    }

    /** The next non-blank line, or null at the end. */
    private String nextLine() throws IOException {
        while (true) {
            int c = in.read();
            if (c == -1) {
                return null;
            }
            recordLine = in.line();
            line.clear();
            int chars = 0;
            while (c != '\n' && c != '\r' && c != -1) {
                if ((c & 0xC0) != 0x80 && (chars += c >= 0xF0 ? 2 : 1) > maxLineChars) {
                    throw new RecordFormatException(recordLine, "this line is longer than " + maxLineChars
                            + " characters; put each JSON object on its own line");
                }
                line.append(c);
                c = in.read();
            }
            if (c == '\r' && in.peek() == '\n') {
                in.read();
            }
            if (c != -1) {
                in.newLine();
            }
            line.endValue();
            if (!line.isBlank()) {
                return line.value(0);
            }
        }
    }
}
