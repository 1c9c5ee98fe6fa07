package io.finetune.serving.rest;

import java.util.List;
import java.util.Map;

/** @param inputs 1 to 64 inputs, each field name to value (a number, or a string for a text field) */
public record PredictionRequest(List<Map<String, Object>> inputs) {
}
