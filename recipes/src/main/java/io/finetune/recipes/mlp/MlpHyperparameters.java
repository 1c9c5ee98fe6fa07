package io.finetune.recipes.mlp;

import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.TrainingInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hyperparameters every MLP classification recipe has, read from the dispatch with the recipe's
 * defaults.
 *
 * @param all every hyperparameter of the recipe, defaults filled in: what the model card records
 */
public record MlpHyperparameters(double learningRate, int batchSize, int hiddenUnits, double validationSplit, int seed,
        Map<String, Object> all) {

    public static MlpHyperparameters from(Recipe recipe, Map<String, Object> given) {
        Map<String, Object> all = recipe.withDefaults(given);
        MlpHyperparameters hp = new MlpHyperparameters(
                number(all, "learningRate").doubleValue(),
                number(all, "batchSize").intValue(),
                number(all, "hiddenUnits").intValue(),
                number(all, "validationSplit").doubleValue(),
                number(all, "seed").intValue(),
                Collections.unmodifiableMap(new LinkedHashMap<>(all)));
        if (hp.validationSplit >= 1) {
            throw new TrainingInputException("Hyperparameter validationSplit must be below 1 (it is the share of "
                    + "rows held out for validation); got " + hp.validationSplit + ".");
        }
        if (hp.batchSize < 1 || hp.hiddenUnits < 1 || hp.learningRate <= 0 || hp.validationSplit <= 0) {
            throw new TrainingInputException("Hyperparameters batchSize and hiddenUnits must be at least 1, "
                    + "learningRate and validationSplit above 0.");
        }
        return hp;
    }

    /** A recipe's own hyperparameter, for example {@code maxTextLength}. */
    public Number number(String name) {
        return number(all, name);
    }

    private static Number number(Map<String, Object> all, String name) {
        if (all.get(name) instanceof Number number) {
            return number;
        }
        throw new TrainingInputException("Hyperparameter " + name + " must be a number; got '" + all.get(name) + "'.");
    }
}
