package io.finetune.dataset.service;

import io.finetune.common.recipes.Recipe;
import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.DatasetKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Checks a dataset file against the schema of a built-in recipe (docs/development.md) in one streaming
 * pass, reading the object once: CSV or JSON Lines, plain or gzip-compressed, UTF-8. The header (or the
 * first object's keys) says which schema: a {@code text} column makes it a text-classification dataset
 * ({@code text} and {@code label} only, each text non-empty and at most the recipe's default
 * {@code maxTextLength} characters), otherwise it is tabular ({@code label} and at least one numeric
 * feature column). Either way: one value per column in every row, at least {@value #MIN_ROWS} rows, two
 * different labels, and no label seen only once. The same pass computes the SHA-256 of the stored bytes
 * and counts the rows of each label.
 *
 * <p>A dataset for prediction (purpose {@code prediction}) holds inputs without labels: the {@code label}
 * column may be missing (when present its values are not looked at), one data row is enough, and there
 * are no label checks. Every other check is the same, so a prediction job reads cells of the types its
 * model needs; which columns the model needs is checked when the job is submitted (scheduler-service).
 *
 * <p>Memory is bounded whatever the file size: fixed buffers, one row at a time (at most
 * {@value #MAX_ROW_CHARS} characters), and at most {@value #MAX_CLASSES} labels of at most
 * {@value #MAX_LABEL_CHARS} characters counted; a few MiB in all (DatasetValidatorHeapTest runs it in a
 * 32 MiB heap over a file many times larger).
 *
 * <p>Each problem names its line and column and says how to fix it. The first
 * {@value Problems#MAX_PROBLEMS} are kept; the rest of the file is still read, and one last entry says
 * how many more there are.
 */
@ApplicationScoped
public class DatasetValidator {

    public static final int MIN_ROWS = 10;
    public static final int MAX_PROBLEMS = Problems.MAX_PROBLEMS;
    /** Guards memory against a file without line breaks or with a quote that is never closed. */
    static final int MAX_ROW_CHARS = 1024 * 1024;
    /** A classifier's labels name classes; more than this many is a column of ids or free text. */
    static final int MAX_CLASSES = 1000;
    static final int MAX_LABEL_CHARS = 200;
    private static final int BUFFER = 64 * 1024;
    /** Inflating in large steps costs less per byte than in the default 512-byte ones. */
    private static final int INFLATER_BUFFER = 256 * 1024;
    /** How far to look past whitespace for the '{' that makes a file JSON Lines. */
    private static final int SNIFF_BYTES = 4096;
    private static final int LISTED_SINGLETONS = 5;
    /** {@link #checkHeader}: the header cannot be read row by row. */
    private static final int UNUSABLE = -1;
    /** {@link #checkHeader}: a prediction dataset without a label column. */
    private static final int NO_LABEL = -2;

    private static final String LABEL = Recipe.LABEL_COLUMN;
    private static final String TEXT = Recipe.TEXT_COLUMN;
    /** The longest text the text-classification recipe reads by default, in characters (code points). */
    static final int MAX_TEXT_CHARS = Recipe.TEXT_CLASSIFICATION.defaults().get("maxTextLength").intValue();

    private final long maxBytes;

    @Inject
    public DatasetValidator(DatasetConfig config) {
        this(config.maxBytes());
    }

    /** @param maxBytes the largest dataset: also the most a compressed file may expand to */
    DatasetValidator(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Validates a training dataset. */
    public Validation validate(InputStream stored) throws IOException {
        return validate(stored, false);
    }

    /** @param prediction whether it is a prediction dataset: inputs, labels optional and unchecked */
    public Validation validate(InputStream stored, boolean prediction) throws IOException {
        HashingInputStream raw = new HashingInputStream(stored);
        try (ReadAhead ahead = new ReadAhead(raw)) {
            BufferedInputStream buffered = new BufferedInputStream(ahead, BUFFER);
            boolean gzip = startsWithGzipMagic(buffered);
            Problems problems = new Problems();
            Result result = new Result();
            String format = gzip ? "gzip" : "csv";
            // a compressed file is inflated on a read-ahead thread of its own too: inflating costs as much as checking;
            // closed (its thread stopped) before anything else reads the stored bytes
            try (ReadAhead inflated = gzip ? new ReadAhead(new ExpansionGuard(new GZIPInputStream(buffered, INFLATER_BUFFER),
                    ahead::consumed, maxBytes)) : null) {
                InputStream data = gzip ? new BufferedInputStream(inflated, BUFFER) : buffered;
                boolean json = startsLikeJson(data);
                format = (json ? "jsonl" : "csv") + (gzip ? "+gzip" : "");
                Utf8Input text = new Utf8Input(data);
                check(json ? new JsonLinesReader(text, MAX_ROW_CHARS, problems) : new CsvReader(text, MAX_ROW_CHARS),
                        problems, result, prediction);
            } catch (RecordFormatException e) {
                problems.add(e.line(), null, e.getMessage());
                result.rows = null;
            } catch (StoreReadException e) {
                throw e.failure;
            } catch (ExpansionGuard.ExpansionException e) {
                problems.add(null, null, e.getMessage());
                result.rows = null;
            } catch (IOException e) {
                if (!gzip) {
                    throw e;
                }
                // only the decompressor fails on its own; the store's failures are StoreReadExceptions
                problems.add(null, null, "the file is not valid gzip data (" + Problems.abbreviate(e.getMessage())
                        + " after " + ahead.consumed() + " compressed bytes); compress it again with gzip, or upload it"
                        + " uncompressed");
                result.rows = null;
            }
            ahead.drain(); // the checksum covers every stored byte, also after a problem that stopped the reading
            return new Validation(result.rows, raw.count, raw.hex(), format, result.kind, result.columns,
                    result.classCounts(), problems.list());
        }
    }

    private static void check(RecordReader reader, Problems problems, Result result, boolean prediction)
            throws IOException {
        List<String> columns = reader.header();
        if (columns == null) {
            problems.add(null, null, "the file is empty; upload a UTF-8 CSV file whose first line is a header such as"
                    + " 'feature1,feature2,label' (tabular) or 'text,label' (text classification), or JSON Lines such as"
                    + " {\"feature1\": 0.5, \"label\": \"cat\"}, with at least " + MIN_ROWS + " data rows");
            result.rows = 0L;
            return;
        }
        result.columns = columns;
        result.kind = columns.contains(TEXT) ? DatasetKind.TEXT : DatasetKind.TABULAR;
        int labelIndex = checkHeader(columns, result.kind, reader.recordLine(), problems, prediction);
        long rows = 0;
        Record row;
        while ((row = reader.next()) != null) {
            rows++;
            if (row == RecordReader.REPORTED) {
                continue;
            }
            long line = reader.recordLine();
            if (row.size() != columns.size()) {
                problems.add(line, null, "this row has " + row.size() + " values but the header has "
                        + columns.size() + " columns; give every row exactly one value per column");
                continue;
            }
            if (labelIndex == UNUSABLE) {
                continue;
            }
            for (int i = 0; i < columns.size(); i++) {
                if (i == labelIndex) {
                    if (!prediction) {
                        result.countLabel(row, i, line, problems);
                    }
                } else if (result.kind == DatasetKind.TEXT) {
                    checkText(row.stripped(i), line, problems); // the only other column of a text dataset
                } else if (!row.isNumber(i)) {
                    String value = row.stripped(i);
                    problems.add(line, columns.get(i), value.isEmpty() ? "the value is empty; every feature needs a number"
                            : "'" + Problems.abbreviate(value)
                                    + "' is not a number; feature columns hold numbers such as 3, -0.25 or 1e-3");
                }
            }
        }
        result.rows = rows;
        if (rows == 0) {
            problems.add(null, null, "the file has a header but no data rows; add at least " + MIN_ROWS
                    + " rows below the header");
        } else if (rows < MIN_ROWS && !prediction) {
            problems.add(null, null, "the file has only " + rows + " data row" + (rows == 1 ? "" : "s")
                    + "; add rows until there are at least " + MIN_ROWS);
        }
        if (!prediction) {
            result.checkClasses(problems);
        }
    }

    /**
     * The index of the label column; {@link #NO_LABEL} for a prediction dataset without one, {@link #UNUSABLE}
     * when the header is unusable (its problems are reported).
     */
    private static int checkHeader(List<String> columns, DatasetKind kind, long line, Problems problems,
            boolean prediction) {
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
        if (labelIndex < 0 && prediction) {
            labelIndex = NO_LABEL;
        } else if (labelIndex < 0) {
            String hint = columns.stream().filter(c -> LABEL.equalsIgnoreCase(c.strip())).findFirst()
                    .map(c -> "rename '" + c + "' to '" + LABEL + "'")
                    .orElse("add a '" + LABEL + "' column that holds each row's class");
            problems.add(line, null, "the header has no '" + LABEL + "' column; " + hint + " (columns found: "
                    + Problems.abbreviate(String.join(", ", columns)) + ")");
            usable = false;
        } else if (kind == DatasetKind.TABULAR && columns.size() < 2) {
            problems.add(line, null, "the header has only the '" + LABEL + "' column; add at least one numeric"
                    + " feature column, or a '" + TEXT + "' column for text classification");
            usable = false;
        }
        if (kind == DatasetKind.TEXT) {
            List<String> others = columns.stream().filter(c -> !c.equals(TEXT) && !c.equals(LABEL)).toList();
            if (!others.isEmpty()) {
                problems.add(line, null, "a text-classification dataset has only the columns '" + TEXT + "' and '"
                        + LABEL + "', but this header also has " + Problems.abbreviate(String.join(", ", others))
                        + "; remove those columns, or rename '" + TEXT + "' if this is a tabular dataset of numeric features");
                usable = false;
            }
        }
        return usable ? labelIndex : UNUSABLE;
    }

    /** A text to classify: not empty, and not longer than the recipe reads. */
    private static void checkText(String value, long line, Problems problems) {
        if (value.isEmpty()) {
            problems.add(line, TEXT, "the text is empty; give every row the text to classify, or remove the row");
            return;
        }
        // code points, not UTF-16 units: what a user counts as characters
        if (value.length() > MAX_TEXT_CHARS && value.codePointCount(0, value.length()) > MAX_TEXT_CHARS) {
            problems.add(line, TEXT, "the text has " + value.codePointCount(0, value.length())
                    + " characters, more than the " + MAX_TEXT_CHARS + " the text-classification recipe reads"
                    + " (maxTextLength); shorten it, or split it into several rows of the same label");
        }
    }

    /**
     * Whether {@code value} is a decimal number such as 3, -0.25, .5 or 1e-3 (what the regular
     * expression {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?} matches), checked by hand: it runs for
     * every feature value, and a regex costs several times more.
     */
    static boolean isNumber(String value) {
        int i = 0;
        int n = value.length();
        if (i < n && (value.charAt(i) == '+' || value.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(value.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && value.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(value.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (value.charAt(i) == 'e' || value.charAt(i) == 'E')) {
            i++;
            if (i < n && (value.charAt(i) == '+' || value.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(value.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip;
    }

    /** Whether the first thing after a byte-order mark and whitespace is '{'. */
    private static boolean startsLikeJson(InputStream in) throws IOException {
        in.mark(SNIFF_BYTES);
        try {
            int b = in.read();
            if (b == 0xEF && in.read() == 0xBB && in.read() == 0xBF) {
                b = in.read();
            }
            for (int i = 0; i < SNIFF_BYTES - 4 && (b == ' ' || b == '\t' || b == '\r' || b == '\n'); i++) {
                b = in.read();
            }
            return b == '{';
        } finally {
            in.reset();
        }
    }

    /** What the rows taught so far. */
    private static final class Result {

        Long rows = 0L;
        DatasetKind kind;
        List<String> columns = List.of();
        /** label -> {rows, first line}; at most MAX_CLASSES entries. */
        private final Map<String, long[]> labels = new LinkedHashMap<>();
        /** The ASCII labels of {@link #labels} as bytes, and their counts: rows are counted without a String per row. */
        private final byte[][] asciiLabels = new byte[Integer.highestOneBit(MAX_CLASSES) * 4][];
        private final long[][] asciiCounts = new long[asciiLabels.length][];
        private boolean tooManyLabels;

        void countLabel(Record row, int i, long line, Problems problems) {
            int slot = row.slot(i, asciiLabels, MAX_LABEL_CHARS);
            if (slot < 0) {
                countLabel(row.stripped(i), line, problems);
                return;
            }
            if (asciiLabels[slot] != null) {
                asciiCounts[slot][0]++;
                return;
            }
            String label = row.stripped(i);
            countLabel(label, line, problems);
            long[] seen = labels.get(label);
            if (seen != null) {
                asciiLabels[slot] = label.getBytes(StandardCharsets.ISO_8859_1);
                asciiCounts[slot] = seen;
            }
        }

        private void countLabel(String label, long line, Problems problems) {
            if (label.isEmpty()) {
                problems.add(line, LABEL, "the label is empty; give every row a label");
                return;
            }
            if (label.length() > MAX_LABEL_CHARS) {
                problems.add(line, LABEL, "the label '" + Problems.abbreviate(label) + "' is longer than "
                        + MAX_LABEL_CHARS + " characters; labels name classes, such as 'cat' or 'defect'");
                return;
            }
            long[] seen = labels.get(label);
            if (seen != null) {
                seen[0]++;
            } else if (labels.size() < MAX_CLASSES) {
                labels.put(label, new long[] {1, line});
            } else if (!tooManyLabels) {
                tooManyLabels = true;
                problems.add(line, LABEL, "the label column has more than " + MAX_CLASSES + " different values;"
                        + " it should name classes, not hold ids or free text");
            }
        }

        void checkClasses(Problems problems) {
            if (labels.size() == 1) {
                problems.add(null, LABEL, "every row has the label '" + Problems.abbreviate(labels.keySet().iterator().next())
                        + "'; a classifier needs at least 2 different labels: add rows of another class");
                return;
            }
            if (tooManyLabels) {
                return;
            }
            List<Map.Entry<String, long[]>> singletons = labels.entrySet().stream()
                    .filter(e -> e.getValue()[0] == 1).toList();
            if (!singletons.isEmpty()) {
                String listed = singletons.stream().limit(LISTED_SINGLETONS)
                        .map(e -> "'" + Problems.abbreviate(e.getKey()) + "' (line " + e.getValue()[1] + ")")
                        .collect(Collectors.joining(", "));
                int rest = singletons.size() - LISTED_SINGLETONS;
                problems.add(null, LABEL, singletons.size() + " label value" + (singletons.size() == 1 ? " is" : "s are")
                        + " seen only once: " + listed + (rest > 0 ? " and " + rest + " more" : "")
                        + "; every class needs at least 2 rows (some for training, some for validation):"
                        + " add rows of these classes, or remove them");
            }
        }

        Map<String, Long> classCounts() {
            Map<String, Long> counts = new LinkedHashMap<>();
            labels.forEach((label, seen) -> counts.put(label, seen[0]));
            return counts;
        }
    }

    /** Counts and hashes the stored bytes as they are read; tells the store's failures from the content's. */
    private static final class HashingInputStream extends FilterInputStream {

        private final MessageDigest sha256;
        long count;

        HashingInputStream(InputStream in) {
            super(in);
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new StoreReadException(e);
            }
            if (n > 0) {
                sha256.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return read(new byte[(int) Math.min(n, BUFFER)]);
        }

        String hex() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    /** Reading from the store failed: not a problem of the file. */
    private static final class StoreReadException extends IOException {

        final IOException failure;

        StoreReadException(IOException failure) {
            super(failure);
            this.failure = failure;
        }
    }
}
