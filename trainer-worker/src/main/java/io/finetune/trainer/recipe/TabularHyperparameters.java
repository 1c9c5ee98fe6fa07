package io.finetune.trainer.recipe;

import io.finetune.common.recipes.Recipe;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tabular recipe's hyperparameters, read from the dispatch with the recipe's defaults. */
record TabularHyperparameters(double learningRate, int batchSize, int hiddenUnits, double validationSplit, int seed) {

    static TabularHyperparameters from(Map<String, Object> given) {
        Map<String, Object> all = Recipe.TABULAR_CLASSIFICATION.withDefaults(given);
        TabularHyperparameters hp = new TabularHyperparameters(
                number(all, "learningRate").doubleValue(),
                number(all, "batchSize").intValue(),
                number(all, "hiddenUnits").intValue(),
                number(all, "validationSplit").doubleValue(),
                number(all, "seed").intValue());
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

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("learningRate", learningRate);
        map.put("batchSize", batchSize);
        map.put("hiddenUnits", hiddenUnits);
        map.put("validationSplit", validationSplit);
        map.put("seed", seed);
        return map;
    }

    private static Number number(Map<String, Object> all, String name) {
        if (all.get(name) instanceof Number number) {
            return number;
        }
        throw new TrainingInputException("Hyperparameter " + name + " must be a number; got '" + all.get(name) + "'.");
    }
}
