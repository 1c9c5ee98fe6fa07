package io.finetune.recipes;

import java.nio.file.Path;

/**
 * A checkpoint to resume from, downloaded into a local directory.
 *
 * @param epoch the epochs it had completed; training goes on at {@code epoch + 1}
 * @param dir what {@link TrainingState#writeCheckpoint} wrote
 */
public record Checkpoint(int epoch, Path dir) {
}
