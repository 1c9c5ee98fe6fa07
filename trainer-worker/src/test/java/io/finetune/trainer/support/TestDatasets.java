package io.finetune.trainer.support;

import java.util.Random;

/** Generated CSV datasets, so that no data file is committed. */
public final class TestDatasets {

    /** Class centres in (x1, x2, x3); about 5.7 standard deviations apart, so a small MLP separates them. */
    private static final double[][] CENTRES = {{0, 0, 0}, {4, 4, 0}, {0, 4, 4}};
    private static final String[] CLASSES = {"setosa", "versicolor", "virginica"};

    private TestDatasets() {
    }

    /**
     * Three Gaussian blobs, the label between the features and {@code x3} on a far larger scale,
     * so that column order and standardization matter.
     */
    public static String blobs(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("x1,label,x2,x3\n");
        for (int i = 0; i < rows; i++) {
            int c = random.nextInt(CENTRES.length);
            double x1 = CENTRES[c][0] + random.nextGaussian();
            double x2 = CENTRES[c][1] + random.nextGaussian();
            double x3 = 1000 + 100 * (CENTRES[c][2] + random.nextGaussian());
            csv.append(String.format(java.util.Locale.ROOT, "%.4f,%s,%.4f,%.2f%n", x1, CLASSES[c], x2, x3));
        }
        return csv.toString();
    }

    /** {@link #blobs} with {@code x2} of the given data row (1-based; line = row + 1) not a number. */
    public static String withTextInX2(int rows, long seed, int badRow) {
        String[] lines = blobs(rows, seed).split("\n");
        String[] cells = lines[badRow].split(",");
        cells[2] = "twelve";
        lines[badRow] = String.join(",", cells);
        return String.join("\n", lines) + "\n";
    }
}
