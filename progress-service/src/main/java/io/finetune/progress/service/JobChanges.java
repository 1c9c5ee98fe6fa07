package io.finetune.progress.service;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What one notification on {@link JobProjection#CHANGES_CHANNEL} says (as JSON): jobs of one owner
 * whose view changed in a committed batch, each with the epochs whose reports changed.
 */
public record JobChanges(String owner, Map<UUID, Set<Integer>> jobs) {
}
