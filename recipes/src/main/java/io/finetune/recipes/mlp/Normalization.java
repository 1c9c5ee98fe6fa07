package io.finetune.recipes.mlp;

import java.util.List;

/**
 * Per-dimension standardization of the feature vectors, fitted on the training rows only so that
 * validation stays unseen. Training and prediction both go through {@link #apply}.
 */
public record Normalization(double[] means, double[] stds) {

    public static Normalization fit(List<float[]> vectors, int[] rows) {
        int width = vectors.get(0).length;
        double[] means = new double[width];
        double[] squares = new double[width];
        for (int row : rows) {
            float[] values = vectors.get(row);
            for (int f = 0; f < width; f++) {
                means[f] += values[f];
                squares[f] += (double) values[f] * values[f];
            }
        }
        double[] stds = new double[width];
        for (int f = 0; f < width; f++) {
            means[f] /= rows.length;
            double variance = Math.max(0, squares[f] / rows.length - means[f] * means[f]);
            // A constant dimension carries no information; dividing by 1 keeps it finite
            stds[f] = variance > 1e-12 ? Math.sqrt(variance) : 1;
        }
        return new Normalization(means, stds);
    }

    public int width() {
        return means.length;
    }

    /** Writes the standardized {@code values} into {@code into} from {@code offset}. */
    public void apply(float[] values, float[] into, int offset) {
        for (int f = 0; f < values.length; f++) {
            into[offset + f] = (float) ((values[f] - means[f]) / stds[f]);
        }
    }
}
