package io.finetune.dataset.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.common.events.ValidationProblem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetValidatorTest {

    /** The dataset size limit of these tests: also the most a compressed file may expand to. */
    static final long MAX_BYTES = 1L << 30;

    private final DatasetValidator validator = new DatasetValidator(MAX_BYTES);

    /** A valid file: header, then {@code rows} rows with two alternating labels. */
    static String goodCsv(int rows) {
        StringBuilder csv = new StringBuilder("sepal_length,sepal_width,label\n");
        IntStream.range(0, rows).forEach(i -> csv.append(i).append(".5,-").append(i).append("e-1,")
                .append(i % 2 == 0 ? "setosa" : "virginica").append('\n'));
        return csv.toString();
    }

    private Validation validate(String csv) throws IOException {
        return validate(csv.getBytes(StandardCharsets.UTF_8));
    }

    private Validation validate(byte[] bytes) throws IOException {
        return validator.validate(new ByteArrayInputStream(bytes));
    }

    private static ValidationProblem only(Validation result) {
        assertEquals(1, result.problems().size(), () -> "problems: " + result.problems());
        return result.problems().get(0);
    }

    /**
     * {@code copies} times the same 5 KB block of valid rows, gzip-compressed: the block fits deflate's
     * 32 KiB window, so each copy costs a few bytes and the ratio grows with the copies.
     */
    private static byte[] gzipOfRepeatedRows(int copies) throws IOException {
        byte[] block = goodCsv(256).lines().skip(1).map(l -> l + "\n").reduce("", String::concat)
                .getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
            gzip.write("sepal_length,sepal_width,label\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < copies; i++) {
                gzip.write(block);
            }
        }
        return out.toByteArray();
    }

    @Test
    void aGzipBombIsStoppedEarlyWithAProblem() throws IOException {
        // 5 KB of rows repeated to 200 MB: compresses far beyond 100-fold, like a crafted bomb
        byte[] bomb = gzipOfRepeatedRows(40_000);
        Validation result = validate(bomb);
        ValidationProblem problem = only(result);
        assertTrue(problem.message().contains("expands more than 100-fold"), problem.message());
        assertNull(result.rows());
        assertEquals((long) bomb.length, result.bytes(), "the checksum still covers every stored byte");
    }

    @Test
    void aGzipThatExpandsBeyondTheSizeLimitIsRejected() throws IOException {
        byte[] gzip = gzipOfRepeatedRows(400);
        Validation result = new DatasetValidator(1024 * 1024).validate(new ByteArrayInputStream(gzip));
        ValidationProblem problem = only(result);
        assertTrue(problem.message().contains("beyond the limit of 1048576 bytes"), problem.message());
        // the same file is valid under a limit it fits in
        assertTrue(validate(gzip).valid());
    }

    @Test
    void goodFileIsValidWithRowsAndColumns() throws IOException {
        Validation result = validate(goodCsv(12));
        assertTrue(result.valid(), () -> "problems: " + result.problems());
        assertEquals(12L, result.rows());
        assertEquals(List.of("sepal_length", "sepal_width", "label"), result.columns());
    }

    @Test
    void acceptsCrlfQuotedValuesBomBlankLinesAndNoFinalNewline() throws IOException {
        String csv = "\uFEFF\"x, the first\",y,label\r\n"
                + goodCsv(10).lines().skip(1).map(l -> l.replace("setosa", "\"set\"\"osa\""))
                        .reduce("", (a, l) -> a + l + "\r\n")
                + "\r\n"
                + "1,2,\"multi\nline label\"\r\n"
                + "3,4,\"multi\nline label\"";
        Validation result = validate(csv);
        assertTrue(result.valid(), () -> "problems: " + result.problems());
        assertEquals(12L, result.rows());
        assertEquals(List.of("x, the first", "y", "label"), result.columns());
    }

    @Test
    void numbersAreWhatTheRegularExpressionAccepts() {
        java.util.regex.Pattern regex = java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
        for (String value : List.of("3", "-0.25", "+.5", "5.", "1e-3", "2E+10", "007", ".", "-", "+", "e5", "1e", "1e+",
                "1.2.3", "1,5", "NaN", "Infinity", "0x1f", " 1", "1 ", "--1", "1e5.5", "", "١٢")) {
            assertEquals(regex.matcher(value).matches(), DatasetValidator.isNumber(value), value);
        }
    }

    @Test
    void emptyFile() throws IOException {
        ValidationProblem problem = only(validate(""));
        assertNull(problem.line());
        assertTrue(problem.message().startsWith("the file is empty"), problem.message());
    }

    @Test
    void headerOnly() throws IOException {
        Validation result = validate("a,b,label\n");
        ValidationProblem problem = only(result);
        assertEquals(0L, result.rows());
        assertTrue(problem.message().contains("no data rows"), problem.message());
    }

    @Test
    void headerWithoutLabelColumn() throws IOException {
        String csv = goodCsv(10).replaceFirst("label", "Label");
        ValidationProblem problem = only(validate(csv));
        assertEquals(1L, problem.line());
        assertTrue(problem.message().contains("rename 'Label' to 'label'"), problem.message());
    }

    @Test
    void headerWithOnlyTheLabel() throws IOException {
        ValidationProblem problem = only(validate("label\n" + "a\nb\n".repeat(5)));
        assertEquals(1L, problem.line());
        assertTrue(problem.message().contains("at least one numeric feature column"), problem.message());
    }

    @Test
    void headerWithEmptyOrDuplicateNames() throws IOException {
        Validation result = validate(goodCsv(10).replaceFirst("sepal_width", "sepal_length")
                .replaceFirst("sepal_length", ""));
        assertEquals(List.of(new ValidationProblem(1L, null,
                "column 1 has no name; give every column a name in the header")), result.problems());

        result = validate(goodCsv(10).replaceFirst("sepal_width", "sepal_length"));
        assertEquals(1L, only(result).line());
        assertEquals("sepal_length", only(result).column());
    }

    @Test
    void rowWithWrongColumnCountNamesItsLine() throws IOException {
        String csv = goodCsv(10).replace("3.5,-3e-1,virginica", "3.5,virginica");
        ValidationProblem problem = only(validate(csv));
        assertEquals(5L, problem.line());
        assertNull(problem.column());
        assertTrue(problem.message().contains("has 2 values but the header has 3 columns"), problem.message());
    }

    @Test
    void nonNumericAndEmptyFeaturesNameLineAndColumn() throws IOException {
        String csv = goodCsv(10).replace("2.5,-2e-1", "abc,").replace("7.5,-7e-1", "7.5,NaN");
        Validation result = validate(csv);
        assertEquals(List.of(
                new ValidationProblem(4L, "sepal_length",
                        "'abc' is not a number; feature columns hold numbers such as 3, -0.25 or 1e-3"),
                new ValidationProblem(4L, "sepal_width", "the value is empty; every feature needs a number"),
                new ValidationProblem(9L, "sepal_width",
                        "'NaN' is not a number; feature columns hold numbers such as 3, -0.25 or 1e-3")),
                result.problems());
    }

    @Test
    void lineNumbersCountLinesInsideQuotedValues() throws IOException {
        String csv = "a,b,label\n1,2,\"set\nosa\"\n" + goodCsv(10).lines().skip(1).skip(1)
                .reduce("", (x, l) -> x + l + "\n") + "x,2,setosa\n" + "3,4,\"set\nosa\"\n";
        ValidationProblem problem = only(validate(csv));
        assertEquals(13L, problem.line());
        assertEquals("a", problem.column());
    }

    @Test
    void emptyLabel() throws IOException {
        ValidationProblem problem = only(validate(goodCsv(10).replace("4.5,-4e-1,setosa", "4.5,-4e-1,")));
        assertEquals(6L, problem.line());
        assertEquals("label", problem.column());
    }

    @Test
    void tooFewRows() throws IOException {
        Validation result = validate(goodCsv(9));
        ValidationProblem problem = only(result);
        assertEquals(9L, result.rows());
        assertNull(problem.line());
        assertTrue(problem.message().contains("only 9 data rows"), problem.message());
    }

    @Test
    void singleLabel() throws IOException {
        ValidationProblem problem = only(validate(goodCsv(10).replace("virginica", "setosa")));
        assertEquals("label", problem.column());
        assertTrue(problem.message().contains("every row has the label 'setosa'"), problem.message());
    }

    @Test
    void invalidUtf8NamesItsLine() throws IOException {
        byte[] head = goodCsv(10).getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "1,2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] file = new byte[head.length + latin1.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(latin1, 0, file, head.length, latin1.length);
        Validation result = validate(file);
        ValidationProblem problem = only(result);
        assertEquals(12L, problem.line());
        assertTrue(problem.message().contains("not valid UTF-8"), problem.message());
        assertNull(result.rows(), "a file read only in part has no row count");
    }

    @Test
    void unclosedQuoteNamesTheLineItStarts() throws IOException {
        ValidationProblem problem = only(validate(goodCsv(10) + "1,2,\"open\n3,4,b\n"));
        assertEquals(12L, problem.line());
        assertTrue(problem.message().contains("never closed"), problem.message());
    }

    @Test
    void runawayRowIsCutOffInsteadOfFillingMemory() throws IOException {
        InputStream endless = new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream("a,label\n".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream(new byte[DatasetValidator.MAX_ROW_CHARS + 10]))));
        ValidationProblem problem = only(validator.validate(endless));
        assertEquals(2L, problem.line());
        assertTrue(problem.message().contains("longer than"), problem.message());
    }

    @Test
    void keepsTwentyProblemsAndCountsTheRest() throws IOException {
        StringBuilder csv = new StringBuilder("a,label\n");
        IntStream.range(0, 30).forEach(i -> csv.append("x,").append(i % 2).append('\n'));
        Validation result = validate(csv.toString());
        assertEquals(DatasetValidator.MAX_PROBLEMS + 1, result.problems().size());
        for (int i = 0; i < DatasetValidator.MAX_PROBLEMS; i++) {
            assertEquals(i + 2L, result.problems().get(i).line());
        }
        ValidationProblem last = result.problems().get(DatasetValidator.MAX_PROBLEMS);
        assertNull(last.line());
        assertTrue(last.message().startsWith("10 more problems were found"), last.message());
        assertEquals(30L, result.rows());
    }
}
