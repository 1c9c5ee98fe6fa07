package io.finetune.recipes;

/**
 * The job cannot be trained because of its data or its hyperparameters. The message is for the
 * user: it says what is wrong and where.
 */
public class TrainingInputException extends RuntimeException {

    public TrainingInputException(String message) {
        super(message);
    }
}
