package io.finetune.recipes.support;

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

    /**
     * Readings shaped like examples/data/machine-health.csv (temperature, vibration, pressure, humidity
     * on their own scales) in three machine states: overheating runs hot and dry, bearing wear shakes at
     * a lower pressure; the four features of the TorchScript base model {@link TestBaseModels#TABULAR_BASE}.
     */
    public static String machineHealth(int rows, long seed) {
        Random random = new Random(seed);
        String[] states = {"normal", "overheating", "bearing-wear"};
        StringBuilder csv = new StringBuilder("temperature,vibration,pressure,humidity,label\n");
        for (int i = 0; i < rows; i++) {
            int s = random.nextInt(states.length);
            double temperature = 40 + 4 * (random.nextGaussian() + (s == 1 ? 4 : 0));
            double vibration = 0.3 + 0.05 * (random.nextGaussian() + (s == 2 ? 4 : 0));
            double pressure = 101 + 1.5 * (random.nextGaussian() - (s == 2 ? 1 : 0));
            double humidity = 45 + 3 * (random.nextGaussian() - (s == 1 ? 1 : 0));
            csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f,%.3f,%.3f,%s%n", temperature, vibration,
                    pressure, humidity, states[s]));
        }
        return csv.toString();
    }

    private static final String[][][] TOPICS = {
        {{"The striker", "Our goalkeeper", "The home team", "The coach", "The midfielder", "The referee"},
            {"scored in", "celebrated", "was booked during", "trained hard before", "argued about", "lost"},
            {"the cup final", "the second half", "the penalty shootout", "the league match", "extra time",
                "the derby against the champions"}},
        {{"My grandmother", "The chef", "This recipe", "The baker", "A home cook", "The pastry team"},
            {"simmered", "baked", "seasoned", "chopped and fried", "slowly roasted", "whisked"},
            {"the tomato sauce with garlic", "a loaf of sourdough bread", "the onions in olive oil",
                "a chocolate cake for dessert", "the vegetables for the soup", "fresh pasta with butter"}},
        {{"The compiler", "Our database server", "The new laptop", "The operating system", "The web browser",
            "The software update"},
            {"crashed while loading", "compiled", "indexed", "encrypted", "cached", "downloaded"},
            {"the source code", "the memory of the process", "the files on the disk", "the network packets",
                "the kernel module", "the user's spreadsheet"}}};
    private static final String[] TOPIC_LABELS = {"sports", "cooking", "computing"};

    /**
     * A {@code text,label} CSV of generated sentences on three clearly separable topics; the texts
     * hold commas and quotes, so they are quoted and their quotes doubled.
     */
    public static String sentences(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < rows; i++) {
            int topic = random.nextInt(TOPICS.length);
            csv.append('"').append(sentence(topic, random).replace("\"", "\"\"")).append("\",")
                    .append(TOPIC_LABELS[topic]).append('\n');
        }
        return csv.toString();
    }

    /** One generated sentence of the topic ({@code 0} sports, {@code 1} cooking, {@code 2} computing). */
    public static String sentence(int topic, Random random) {
        String[][] parts = TOPICS[topic];
        return parts[0][random.nextInt(parts[0].length)] + " " + parts[1][random.nextInt(parts[1].length)] + " "
                + parts[2][random.nextInt(parts[2].length)] + ", as \"expected\".";
    }

    public static String topicLabel(int topic) {
        return TOPIC_LABELS[topic];
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
