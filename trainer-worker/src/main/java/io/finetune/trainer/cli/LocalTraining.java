package io.finetune.trainer.cli;

import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.TrainingRecipe;
import io.finetune.recipes.TrainingRequest;
import io.finetune.recipes.TrainingResult;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Laptop mode: {@code java -jar quarkus-run.jar --dataset file.csv [--recipe tabular-classification]
 * [--epochs 1] [--output ./model] [--param name=value ...]} trains with the same recipe code as the
 * worker on a local file, prints every epoch and writes the model to a local folder. No Kafka, no
 * store, no checkpoints.
 */
@ApplicationScoped
public class LocalTraining {

    /** {@code TrainerConfig#local()}: set by {@link TrainerMain} before start-up; the Kafka consumers stay off. */
    public static final String LOCAL_PROPERTY = "trainer.local";
    static final String USAGE = "usage: java -jar quarkus-run.jar --dataset FILE.csv [--recipe "
            + "tabular-classification|text-classification] [--epochs N] [--output DIR] [--param NAME=NUMBER ...]";

    private final List<TrainingRecipe> recipes;

    public LocalTraining(@All List<TrainingRecipe> recipes) {
        this.recipes = recipes;
    }

    static boolean requested(String... args) {
        return Arrays.asList(args).contains("--dataset");
    }

    /** @return the exit code: 0 trained, 1 the data cannot be trained on or a file failed, 2 bad arguments */
    public int run(String[] args, PrintStream out, PrintStream err) {
        Path dataset = null;
        String recipeName = Recipe.TABULAR_CLASSIFICATION.wireName();
        int epochs = 1;
        Path output = Path.of("model");
        Map<String, Object> hyperparameters = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--dataset" -> dataset = Path.of(required(args[i], value));
                    case "--recipe" -> recipeName = required(args[i], value);
                    case "--epochs" -> epochs = Integer.parseInt(required(args[i], value));
                    case "--output" -> output = Path.of(required(args[i], value));
                    case "--param" -> {
                        String[] pair = required(args[i], value).split("=", 2);
                        if (pair.length != 2) {
                            throw new IllegalArgumentException("--param needs NAME=NUMBER, got '" + value + "'");
                        }
                        hyperparameters.put(pair[0], Double.parseDouble(pair[1]));
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
                i++;
            }
        } catch (NumberFormatException e) {
            err.println("not a number: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
        String wanted = recipeName;
        TrainingRecipe recipe = recipes.stream().filter(r -> r.recipe().wireName().equals(wanted)).findFirst().orElse(null);
        if (recipe == null) {
            err.println("unknown recipe '" + recipeName + "'; known: "
                    + recipes.stream().map(r -> r.recipe().wireName()).sorted().toList());
            return 2;
        }
        if (epochs < 1) {
            err.println("--epochs must be at least 1\n" + USAGE);
            return 2;
        }
        hyperparameters.replaceAll((name, number) -> wholeIfIntegral((Double) number));
        try (InputStream in = Files.newInputStream(dataset)) {
            Files.createDirectories(output);
            TrainingResult result = recipe.train(new TrainingRequest(UUID.randomUUID(), 1, epochs, hyperparameters, null, null),
                    in, output, (m, state) -> out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.3f  "
                            + "validation loss %.4f acc %.3f  %.0f samples/s%n", m.epoch(), m.epochs(), m.trainLoss(),
                            m.trainAccuracy(), m.validationLoss(), m.validationAccuracy(), m.samplesPerSecond()));
            out.printf(Locale.ROOT, "model: %s (validation accuracy %.3f; hyperparameters %s)%n",
                    output.toAbsolutePath(), result.finalMetrics().validationAccuracy(), result.hyperparameters());
            return 0;
        } catch (TrainingInputException e) {
            err.println(dataset + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cannot read " + dataset + " or write " + output + ": " + e);
            return 1;
        }
    }

    private static String required(String flag, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    /** batchSize=64 on the command line is an integer hyperparameter, as in a job's JSON. */
    private static Number wholeIfIntegral(double number) {
        return number == Math.rint(number) && Math.abs(number) < Integer.MAX_VALUE ? (Number) (int) number : number;
    }
}
