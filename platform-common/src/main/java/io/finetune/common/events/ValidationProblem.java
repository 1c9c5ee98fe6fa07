package io.finetune.common.events;

/**
 * One thing wrong with a dataset, said so that the user can fix it.
 *
 * @param line 1-based line of the file, or null when the problem is about the whole file
 * @param column the column concerned, or null
 * @param message what is wrong and what to do
 */
public record ValidationProblem(Long line, String column, String message) {
}
