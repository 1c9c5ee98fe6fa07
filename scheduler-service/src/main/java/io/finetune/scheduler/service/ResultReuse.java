package io.finetune.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobStatus;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Answers a job from an identical job of its owner that already succeeded, instead of spending a
 * trainer slot on training the same model again. Identical means: a dataset with the same SHA-256
 * (not necessarily the same dataset id), the same recipe and base model (both none, or the same
 * pinned version; without one the recipe's own start, e.g. text-classification's encoder), the same
 * epochs, the same hyperparameters with the recipe's defaults filled in (the seed among them), and
 * the same starting point: the artifact the job would warm-start from is the one the earlier
 * version was warm-started from (both none for a model trained from scratch). A job submitted with
 * {@code fresh: true} always trains.
 */
@ApplicationScoped
public class ResultReuse {

    private static final Logger LOG = Logger.getLogger(ResultReuse.class);

    /** The newest matching version; jsonb equality compares the hyperparameters by value, whatever the key order. */
    private static final String SAME_RESULT = """
            select v.model, v.version, cast(j.id as text), j.name
            from job j join model_version v on v.job_id = j.id
            where j.owner = ?1 and j.status = ?2 and j.id <> cast(?3 as uuid)
              and j.recipe = ?4 and j.epochs = ?5 and j.hyperparameters = cast(?6 as jsonb)
              and j.base_model is not distinct from cast(?9 as text)
              and v.dataset_sha256 = ?7
              and (v.card ->> 'warmStartedFrom') is not distinct from cast(?8 as text)
            order by v.registered_at desc
            limit 1
            """;

    private final JobTransitions transitions;
    private final ModelRegistry models;
    private final ObjectMapper json;

    ResultReuse(JobTransitions transitions, ModelRegistry models, ObjectMapper json) {
        this.transitions = transitions;
        this.models = models;
        this.json = json;
    }

    /**
     * A queued job (just submitted, or just out of validation) that an identical succeeded job
     * already answers becomes {@code succeeded} at once, its reason naming the model version and job
     * it reuses; any other job is left as it is. Returns whether it was answered.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean answerIfTrained(Job job) {
        if (job.fresh || job.isPrediction() || job.status != JobStatus.QUEUED) {
            return false;
        }
        Dataset dataset = Dataset.findById(job.datasetId);
        if (dataset == null || dataset.sha256 == null) {
            return false;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> same = Job.getEntityManager().createNativeQuery(SAME_RESULT)
                .setParameter(1, job.owner)
                .setParameter(2, JobStatus.SUCCEEDED.wireName())
                .setParameter(3, job.id.toString())
                .setParameter(4, job.recipe)
                .setParameter(5, job.epochs)
                .setParameter(6, hyperparameters(job))
                .setParameter(7, dataset.sha256)
                .setParameter(8, models.warmStartUri(job))
                .setParameter(9, job.baseModel)
                .getResultList();
        if (same.isEmpty()) {
            return false;
        }
        Object[] row = same.get(0);
        String model = (String) row[0];
        int version = ((Number) row[1]).intValue();
        UUID earlierJob = UUID.fromString((String) row[2]);
        transitions.enter(job, JobStatus.SUCCEEDED, "reused model " + model + " version " + version
                + " of job " + row[3] + " (" + earlierJob + "): an identical job already succeeded (same dataset"
                + " SHA-256, recipe, base model, epochs, hyperparameters and seed); submit with fresh=true to train again");
        LOG.infof("Job %s: answered with model %s version %d of job %s", job.id, model, version, earlierJob);
        return true;
    }

    private String hyperparameters(Job job) {
        try {
            return json.writeValueAsString(job.hyperparameters);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise the hyperparameters of job " + job.id, e);
        }
    }
}
