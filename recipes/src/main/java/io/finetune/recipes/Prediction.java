package io.finetune.recipes;

import java.util.Map;

/**
 * @param label the most probable class
 * @param probabilities every class's probability
 */
public record Prediction(String label, Map<String, Double> probabilities) {
}
