package io.finetune.recipes;

import java.util.List;

/**
 * Inputs that do not fit the model's schema: a missing field, a wrong type, a text too long.
 * Each problem names where it is ({@code inputs[3].temperature}) so it can become a 422.
 */
public class InvalidInputException extends RuntimeException {

    /** @param field where, for example {@code inputs[0].temperature} */
    public record Problem(String field, String message) {
    }

    private final List<Problem> problems;

    public InvalidInputException(List<Problem> problems) {
        super(problems.isEmpty() ? "invalid input" : problems.get(0).field() + ": " + problems.get(0).message());
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
