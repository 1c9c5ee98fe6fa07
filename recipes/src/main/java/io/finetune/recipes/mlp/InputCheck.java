package io.finetune.recipes.mlp;

import io.finetune.common.events.ModelCard;
import io.finetune.recipes.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks prediction inputs against a model's schema, every input and field at once. */
final class InputCheck {

    private InputCheck() {
    }

    /** @throws InvalidInputException with one problem per missing field, wrong type, non-finite number or long text */
    static void check(List<ModelCard.Field> fields, List<Map<String, Object>> inputs) {
        List<InvalidInputException.Problem> problems = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Object> input = inputs.get(i);
            if (input == null) {
                problems.add(new InvalidInputException.Problem("inputs[" + i + "]", "must be an object"));
                continue;
            }
            for (ModelCard.Field field : fields) {
                String problem = problem(field, input.get(field.name()), input.containsKey(field.name()));
                if (problem != null) {
                    problems.add(new InvalidInputException.Problem("inputs[" + i + "]." + field.name(), problem));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    private static String problem(ModelCard.Field field, Object value, boolean present) {
        if (!present || value == null) {
            return "is missing; the model needs a " + field.type();
        }
        if (ModelCard.Field.NUMBER.equals(field.type())) {
            if (!(value instanceof Number number)) {
                return "must be a number; got " + typeName(value);
            }
            // Read as a float, as the dataset's cells are
            return Float.isFinite(number.floatValue()) ? null : "must be a finite number; got " + number;
        }
        if (!(value instanceof String text)) {
            return "must be a string; got " + typeName(value);
        }
        if (text.isBlank()) {
            return "must not be blank";
        }
        return field.maxLength() != null && text.length() > field.maxLength()
                ? "is " + text.length() + " characters long; at most " + field.maxLength() + " are accepted" : null;
    }

    private static String typeName(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return value instanceof Map ? "an object" : value instanceof List ? "an array" : value.getClass().getSimpleName();
    }
}
