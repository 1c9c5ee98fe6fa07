package io.finetune.scheduler.service;

import io.finetune.common.events.ModelCard;
import io.finetune.common.events.ModelEvent;
import io.finetune.common.events.Topics;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.entity.Locks;
import io.finetune.scheduler.entity.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Numbers the versions of each model (docs/models.md): a job that succeeds registers version
 * 1 + the highest of its (owner, model), in the transaction that marks it succeeded, and the
 * {@link ModelEvent} goes to {@code models.events} through the outbox. Also answers which artifact a
 * new job of the model can warm-start from.
 */
@ApplicationScoped
public class ModelRegistry {

    private final Outbox outbox;
    private final Clock clock;

    ModelRegistry(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Registers what the job's succeeded attempt trained. The model lock orders concurrent successes
     * of one model, so each gets its own number (the primary key would refuse a duplicate anyway).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ModelVersion register(Job job, TrainingEvent succeeded) {
        Locks.model(job.owner, job.model);
        Dataset dataset = Dataset.findById(job.datasetId);
        ModelCard card = cardOf(job, succeeded);
        ModelVersion version = new ModelVersion();
        version.owner = job.owner;
        version.model = job.model;
        version.version = ModelVersion.latest(job.owner, job.model).map(v -> v.version + 1).orElse(1);
        version.jobId = job.id;
        version.jobName = job.name;
        version.recipe = job.recipe;
        version.baseModel = job.baseModel;
        version.artifactUri = card.artifactUri();
        version.datasetId = job.datasetId;
        version.datasetSha256 = dataset == null ? null : dataset.sha256;
        version.card = card;
        version.registeredAt = clock.now();
        version.persist();
        outbox.add(Topics.MODELS_EVENTS, ModelEvent.key(version.owner, version.model), new ModelEvent(
                UUID.randomUUID(), ModelEvent.VERSION_REGISTERED, version.registeredAt, version.version,
                version.owner, version.model, version.version, version.jobId, version.jobName, version.datasetId,
                version.datasetSha256, card));
        return version;
    }

    /**
     * The artifact of the model's latest version when it was trained by the job's recipe from the
     * job's base model (both none, or the same pinned version), else null: the recipe continues from it
     * when the schema matches, and a version built on another backbone is no start for this one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String warmStartUri(Job job) {
        return ModelVersion.latest(job.owner, job.model)
                .filter(latest -> latest.recipe.equals(job.recipe) && Objects.equals(latest.baseModel, job.baseModel))
                .map(latest -> latest.artifactUri)
                .orElse(null);
    }

    /**
     * The trainer's card, or, from a trainer older than model cards, one made of what the job and the
     * event tell: the recipe, the hyperparameters, the final figures and the artifact.
     */
    private static ModelCard cardOf(Job job, TrainingEvent event) {
        ModelCard card = event.model();
        if (card != null) {
            if (card.artifactUri() != null || event.modelUri() == null) {
                return card;
            }
            return new ModelCard(card.recipe(), card.baseModel(), card.hyperparameters(), card.metrics(),
                    card.classes(), card.schema(), card.seed(), card.durationMillis(), card.hardware(),
                    event.modelUri(), card.warmStartedFrom());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        putIfKnown(metrics, ModelCard.VALIDATION_ACCURACY, event.validationAccuracy());
        putIfKnown(metrics, ModelCard.VALIDATION_LOSS, event.validationLoss());
        putIfKnown(metrics, ModelCard.TRAIN_ACCURACY, event.trainAccuracy());
        putIfKnown(metrics, ModelCard.TRAIN_LOSS, event.trainLoss());
        return new ModelCard(job.recipe, null, job.hyperparameters, metrics, List.of(), null, 0,
                event.elapsedMillis() == null ? 0 : event.elapsedMillis(), event.device(), event.modelUri(), null);
    }

    private static void putIfKnown(Map<String, Double> metrics, String name, Double value) {
        if (value != null) {
            metrics.put(name, value);
        }
    }
}
