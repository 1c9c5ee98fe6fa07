package io.finetune.recipes;

import io.finetune.common.basemodels.BaseModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * What a recipe needs from the dispatch.
 *
 * @param resumeFrom the job's latest checkpoint when this attempt continues an earlier one, else null
 * @param warmStart the model's latest version to continue from (a retrain), else null
 * @param baseModel the registered base model the job starts from, downloaded and verified, else null
 */
public record TrainingRequest(UUID jobId, int attempt, int epochs, Map<String, Object> hyperparameters,
        Checkpoint resumeFrom, WarmStart warmStart, BaseModelFile baseModel) {

    /** A job that starts from no registered base model. */
    public TrainingRequest(UUID jobId, int attempt, int epochs, Map<String, Object> hyperparameters,
            Checkpoint resumeFrom, WarmStart warmStart) {
        this(jobId, attempt, epochs, hyperparameters, resumeFrom, warmStart, null);
    }

    /**
     * A model artifact downloaded into a local directory.
     *
     * @param uri where it is stored; the model card names it when the recipe used it
     */
    public record WarmStart(String uri, Path dir) {
    }

    /**
     * A registered base model on local disk.
     *
     * @param file its TorchScript module ({@code model.pt}), whose SHA-256 matched {@code metadata}
     */
    public record BaseModelFile(BaseModel metadata, Path file) {
    }
}
