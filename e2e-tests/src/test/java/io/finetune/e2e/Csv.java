package io.finetune.e2e;

import java.util.Locale;
import java.util.Random;

/** Generated datasets: no data files are committed for tests. */
public final class Csv {

    private Csv() {
    }

    /** Well separated Gaussian blobs, one per class: a small MLP learns them to high accuracy. */
    public static String blobs(int rows, int features, int classes, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder();
        for (int f = 0; f < features; f++) {
            csv.append("f").append(f).append(',');
        }
        csv.append("label\n");
        for (int r = 0; r < rows; r++) {
            int label = r % classes;
            for (int f = 0; f < features; f++) {
                double centre = (f % classes == label) ? 3.0 : 0.0;
                csv.append(String.format(Locale.ROOT, "%.4f", centre + random.nextGaussian() * 0.5)).append(',');
            }
            csv.append("class-").append(label).append('\n');
        }
        return csv.toString();
    }
}
