package io.finetune.trainer.service;

import io.finetune.common.basemodels.BaseModel;
import io.finetune.recipes.TrainingRequest;
import io.finetune.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jboss.logging.Logger;

/**
 * The base models this worker's jobs start from: each downloaded once, checked against its registered
 * SHA-256 and kept as {@code <cache>/<sha256>.pt}. Only a verified file gets that name (a download
 * goes to a temporary file that is moved into place), so a file found there needs no second check,
 * and two versions with the same bytes share it.
 */
@ApplicationScoped
public class BaseModelCache {

    private static final Logger LOG = Logger.getLogger(BaseModelCache.class);

    private final BaseModelRegistry registry;
    private final Path dir;

    public BaseModelCache(BaseModelRegistry registry, TrainerConfig config) {
        this.registry = registry;
        this.dir = config.storage().baseModelsCache();
    }

    /**
     * The base model a dispatch pins ({@code name:version}), on local disk and verified.
     *
     * @throws BaseModelException when the registry has no such version, no file for it, or a file whose
     *         SHA-256 is not the registered one
     */
    public TrainingRequest.BaseModelFile fetch(String reference) throws IOException {
        BaseModel.Reference ref = BaseModel.Reference.parse(reference).filter(r -> r.version() != null)
                .orElseThrow(() -> new BaseModelException("The job names base model '" + reference
                        + "', which is not a registered name:version; submit it again naming a registered version."));
        BaseModel model = registry.find(ref.name(), ref.version()).orElseThrow(() -> new BaseModelException(
                "Base model " + reference + " is not in the registry (no " + registry.uri(BaseModel.metadataKey(
                        ref.name(), ref.version())) + "); submit the job again naming a registered version."));
        Files.createDirectories(dir);
        Path cached = dir.resolve(model.sha256() + ".pt");
        if (Files.isRegularFile(cached)) {
            return new TrainingRequest.BaseModelFile(model, cached);
        }
        Path download = Files.createTempFile(dir, model.name() + "-" + model.version() + "-", ".part");
        try {
            String sha256 = registry.download(model, download).orElseThrow(() -> new BaseModelException(
                    "Base model " + reference + " has no TorchScript file in the registry (no "
                            + registry.uri(model.artifactKey()) + "); an admin must register it again."));
            if (!sha256.equals(model.sha256())) {
                throw new BaseModelException("Base model " + reference + " is damaged: the SHA-256 of "
                        + registry.uri(model.artifactKey()) + " is " + sha256 + ", registered " + model.sha256()
                        + "; an admin must register it again, and the job named with the new version.");
            }
            // Atomic: a second worker sharing the folder sees the whole verified file or none
            Files.move(download, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.infof("Base model %s downloaded and verified (%d bytes, sha256 %s)", reference, model.bytes(),
                    model.sha256());
            return new TrainingRequest.BaseModelFile(model, cached);
        } finally {
            Files.deleteIfExists(download);
        }
    }
}
