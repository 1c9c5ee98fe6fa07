package io.finetune.dataset.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Malformed dataset files, generated (no binaries in the repository), each with what its rejection must say. */
public final class MalformedCorpus {

    /** @param expected a fragment of one problem's message; @param line that problem's line, or null for a whole-file one */
    public record Case(String name, byte[] bytes, String expected, Long line) {
        @Override
        public String toString() {
            return name;
        }
    }

    private MalformedCorpus() {
    }

    static String good(int rows) {
        StringBuilder csv = new StringBuilder("f1,f2,label\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(".5,").append(i % 7).append(',').append(i % 2 == 0 ? "cat" : "dog").append('\n');
        }
        return csv.toString();
    }

    static String goodJsonl(int rows) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            jsonl.append("{\"f1\": ").append(i).append(".5, \"f2\": ").append(i % 7).append(", \"label\": \"")
                    .append(i % 2 == 0 ? "cat" : "dog").append("\"}\n");
        }
        return jsonl.toString();
    }

    /** A valid text-classification file: {@code text} and {@code label}. */
    static String goodText(int rows) {
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < rows; i++) {
            csv.append("\"review ").append(i).append(", short\",").append(i % 2 == 0 ? "positive" : "negative").append('\n');
        }
        return csv.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Replaces the data row of line {@code line} (header is line 1) of {@link #good(int)}. */
    private static String withLine(String csv, int line, String replacement) {
        List<String> lines = new ArrayList<>(csv.lines().toList());
        lines.set(line - 1, replacement);
        return String.join("\n", lines) + "\n";
    }

    public static List<Case> cases() {
        String good = good(20);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("empty", new byte[0], "the file is empty", null));
        cases.add(new Case("only blank lines", utf8("\n\n  \n\r\n"), "the file is empty", null));
        cases.add(new Case("header only", utf8("f1,f2,label\n"), "no data rows", null));
        cases.add(new Case("too few rows", utf8(good(5)), "only 5 data rows", null));
        cases.add(new Case("no label column", utf8(good.replace(",label", ",kind")), "no 'label' column", 1L));
        cases.add(new Case("misnamed label column", utf8(good.replace(",label", ",Label")), "rename 'Label' to 'label'", 1L));
        cases.add(new Case("columns found listed", utf8(good.replace(",label", ",target")), "columns found: f1, f2, target", 1L));
        cases.add(new Case("only the label column", utf8("label\n" + "a\nb\n".repeat(10)), "at least one numeric feature", 1L));
        cases.add(new Case("empty column name", utf8(good.replaceFirst("f2", "")), "column 2 has no name", 1L));
        cases.add(new Case("duplicate column name", utf8(good.replaceFirst("f2", "f1")), "appears more than once", 1L));
        cases.add(new Case("too few values", utf8(withLine(good, 5, "1.5,cat")), "has 2 values but the header has 3", 5L));
        cases.add(new Case("too many values", utf8(withLine(good, 7, "1.5,2,3,cat")), "has 4 values but the header has 3", 7L));
        cases.add(new Case("text in a feature", utf8(withLine(good, 4, "abc,1,cat")), "'abc' is not a number", 4L));
        cases.add(new Case("empty feature", utf8(withLine(good, 6, ",1,cat")), "the value is empty", 6L));
        cases.add(new Case("NaN feature", utf8(withLine(good, 8, "NaN,1,dog")), "'NaN' is not a number", 8L));
        cases.add(new Case("comma decimal", utf8(withLine(good, 9, "\"1,5\",1,dog")), "'1,5' is not a number", 9L));
        cases.add(new Case("empty label", utf8(withLine(good, 10, "1.5,1,")), "the label is empty", 10L));
        cases.add(new Case("single class", utf8(good.replace("dog", "cat")), "a classifier needs at least 2 different labels", null));
        cases.add(new Case("label seen once", utf8(withLine(good, 12, "1.5,1,bird")), "seen only once: 'bird' (line 12)", null));
        cases.add(new Case("label too long", utf8(withLine(good, 3, "1.5,1," + "x".repeat(300))), "longer than 200 characters", 3L));
        cases.add(new Case("latin-1 text", concat(utf8(good), "1.5,1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)),
                "not valid UTF-8 text (the bad byte is at byte offset " + (utf8(good).length + 9) + " of the file)", 22L));
        cases.add(new Case("UTF-16 file", good.getBytes(StandardCharsets.UTF_16), "not valid UTF-8", 1L));
        cases.add(new Case("unclosed quote", utf8(withLine(good, 15, "1.5,1,\"cat")), "never closed", 15L));
        byte[] runaway = new byte[1024 * 1024 + 10];
        Arrays.fill(runaway, (byte) '7');
        cases.add(new Case("line over the length limit", concat(utf8("f1,label\n1,a\n"), runaway), "longer than 1048576 characters", 3L));
        StringBuilder many = new StringBuilder("f1,label\n");
        for (int i = 0; i < 50; i++) {
            many.append("x,").append(i % 2).append('\n');
        }
        cases.add(new Case("more problems than kept", utf8(many.toString()), "30 more problems were found", null));
        cases.add(new Case("binary garbage", concat(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 3}, utf8(good)), "not valid UTF-8", 1L));
        cases.add(new Case("PNG image", concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, new byte[64]),
                "not valid UTF-8", 1L));
        cases.add(new Case("truncated gzip", Arrays.copyOf(gzip(utf8(good(2000))), 200), "not valid gzip data", null));
        cases.add(new Case("gzip header only", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3},
                "not valid gzip data", null));
        cases.add(new Case("gzip of a bad csv", gzip(utf8(withLine(good, 4, "abc,1,cat"))), "'abc' is not a number", 4L));
        cases.add(new Case("gzip of an empty file", gzip(new byte[0]), "the file is empty", null));
        String jsonl = goodJsonl(20);
        cases.add(new Case("jsonl broken object", utf8(withLine(jsonl, 3, "{\"f1\": 1.5, \"f2\": ")), "not valid JSON", 3L));
        cases.add(new Case("jsonl array line", utf8(withLine(jsonl, 4, "[1.5, 2, \"cat\"]")), "holds a JSON array, not an object", 4L));
        cases.add(new Case("jsonl other keys", utf8(withLine(jsonl, 5, "{\"f1\": 1.5, \"label\": \"cat\"}")),
                "but the first line has [f1, f2, label]", 5L));
        cases.add(new Case("jsonl string feature", utf8(withLine(jsonl, 6, "{\"f1\": \"high\", \"f2\": 1, \"label\": \"cat\"}")),
                "'high' is not a number", 6L));
        cases.add(new Case("jsonl null label", utf8(withLine(jsonl, 7, "{\"f1\": 1, \"f2\": 1, \"label\": null}")),
                "the label is empty", 7L));
        cases.add(new Case("jsonl without label", utf8(jsonl.replace("\"label\"", "\"class\"")), "no 'label' column", 1L));
        cases.add(new Case("jsonl trailing text", utf8(withLine(jsonl, 8, "{\"f1\": 1, \"f2\": 1, \"label\": \"cat\"} x")),
                "not valid JSON", 8L));
        cases.add(new Case("jsonl duplicate key", utf8(withLine(jsonl, 9, "{\"f1\": 1, \"f1\": 2, \"label\": \"cat\"}")),
                "not valid JSON", 9L));
        String text = goodText(20);
        cases.add(new Case("text empty", utf8(withLine(text, 5, "\"\",positive")), "the text is empty", 5L));
        cases.add(new Case("text over maxTextLength", utf8(withLine(text, 6, "x".repeat(2001) + ",negative")),
                "the text has 2001 characters, more than the 2000", 6L));
        cases.add(new Case("text with another column", utf8(text.replace("text,label", "text,label,score")
                .replace("\n\"", "\n0.5,\"")), "but this header also has score", 1L));
        cases.add(new Case("text jsonl gzip empty text", gzip(utf8("{\"text\": \"fine\", \"label\": \"a\"}\n".repeat(10)
                + "{\"text\": \" \", \"label\": \"b\"}\n" + "{\"text\": \"ok\", \"label\": \"b\"}\n")),
                "the text is empty", 11L));
        return cases;
    }
}
