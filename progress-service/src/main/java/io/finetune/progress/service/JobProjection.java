package io.finetune.progress.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Folds job and training events into {@code job_view} and {@code epoch_history}.
 *
 * <p>Delivery is at-least-once and the two topics are not ordered with each other, so every write
 * is built to converge to the same rows whatever the order: an event id is applied once; scheduler
 * facts replace a row's only from a higher JobEvent sequence; an epoch is replaced only from a higher
 * TrainingEvent sequence; first-of timestamps take the earliest value seen. The writes are single
 * SQL upserts, so two consumers (or two instances) touching one job cannot lose an update.
 */
@ApplicationScoped
public class JobProjection {

    private final Session session;
    private final ObjectMapper json;

    public JobProjection(Session session, ObjectMapper json) {
        this.session = session;
        this.json = json;
    }

    /** Applies a scheduler transition; false when it was a duplicate. */
    @Transactional
    public boolean apply(JobEvent event) {
        if (!firstDelivery(event.eventId())) {
            return false;
        }
        JobStatus status = event.status();
        Instant queuedAt = status == JobStatus.QUEUED ? event.time() : null;
        Instant startedAt = status == JobStatus.RUNNING ? event.time() : null;
        Instant finishedAt = status.isTerminal() ? event.time() : null;
        // Makes sure the row exists (it may have been started by a trainer event) and merges the
        // order-independent timestamps; locks the row for the conditional update below.
        session.createNativeMutationQuery("""
                insert into job_view as v (id, owner, name, status, reason, recipe, dataset_id, epochs,
                                           hyperparameters, created_at, queued_at, started_at, finished_at,
                                           job_sequence)
                values (:id, :owner, :name, :status, :reason, :recipe, :datasetId, :epochs,
                        cast(:hyperparameters as jsonb), :time, :queuedAt, :startedAt, :finishedAt, :sequence)
                on conflict (id) do update set
                    created_at = least(v.created_at, excluded.created_at),
                    queued_at = least(v.queued_at, excluded.queued_at),
                    started_at = least(v.started_at, excluded.started_at)
                """)
                .setParameter("id", event.jobId())
                .setParameter("owner", event.owner(), String.class)
                .setParameter("name", event.name(), String.class)
                .setParameter("status", status.wireName())
                .setParameter("reason", event.reason(), String.class)
                .setParameter("recipe", event.recipe(), String.class)
                .setParameter("datasetId", event.datasetId(), UUID.class)
                .setParameter("epochs", event.epochs())
                .setParameter("hyperparameters", toJson(event), String.class)
                .setParameter("time", event.time(), Instant.class)
                .setParameter("queuedAt", queuedAt, Instant.class)
                .setParameter("startedAt", startedAt, Instant.class)
                .setParameter("finishedAt", finishedAt, Instant.class)
                .setParameter("sequence", event.sequence())
                .executeUpdate();
        // The scheduler's facts, only from a newer transition: a late event never regresses the row.
        session.createNativeMutationQuery("""
                update job_view set owner = :owner, name = :name, status = :status, reason = :reason,
                                    recipe = :recipe, dataset_id = :datasetId, epochs = :epochs,
                                    hyperparameters = cast(:hyperparameters as jsonb),
                                    finished_at = :finishedAt, job_sequence = :sequence
                where id = :id and job_sequence < :sequence
                """)
                .setParameter("id", event.jobId())
                .setParameter("owner", event.owner(), String.class)
                .setParameter("name", event.name(), String.class)
                .setParameter("status", status.wireName())
                .setParameter("reason", event.reason(), String.class)
                .setParameter("recipe", event.recipe(), String.class)
                .setParameter("datasetId", event.datasetId(), UUID.class)
                .setParameter("epochs", event.epochs())
                .setParameter("hyperparameters", toJson(event), String.class)
                .setParameter("finishedAt", finishedAt, Instant.class)
                .setParameter("sequence", event.sequence())
                .executeUpdate();
        return true;
    }

    /**
     * Applies a trainer report; false when it was a duplicate or carries nothing the view shows.
     * The job's status stays the scheduler's: it decides whether a failed attempt is retried.
     */
    @Transactional
    public boolean apply(TrainingEvent event) {
        // Heartbeats only prove liveness to the scheduler; recording them would fill processed_event.
        if (TrainingEvent.HEARTBEAT.equals(event.type()) || !firstDelivery(event.eventId())) {
            return false;
        }
        Instant startedAt = TrainingEvent.STARTED.equals(event.type()) ? event.time() : null;
        String modelUri = TrainingEvent.SUCCEEDED.equals(event.type()) ? event.modelUri() : null;
        // A partial row when the scheduler's first event has not arrived yet; the model of the
        // latest attempt wins.
        session.createNativeMutationQuery("""
                insert into job_view as v (id, owner, epochs, created_at, started_at, model_uri, training_sequence)
                values (:id, :owner, :epochs, :time, :startedAt, :modelUri, :sequence)
                on conflict (id) do update set
                    created_at = least(v.created_at, excluded.created_at),
                    started_at = least(v.started_at, excluded.started_at),
                    epochs = coalesce(v.epochs, excluded.epochs),
                    model_uri = coalesce(case when excluded.training_sequence > v.training_sequence
                                              then excluded.model_uri end,
                                         v.model_uri, excluded.model_uri),
                    training_sequence = greatest(v.training_sequence, excluded.training_sequence)
                """)
                .setParameter("id", event.jobId())
                .setParameter("owner", event.owner(), String.class)
                .setParameter("epochs", event.epochs())
                .setParameter("time", event.time(), Instant.class)
                .setParameter("startedAt", startedAt, Instant.class)
                .setParameter("modelUri", modelUri, String.class)
                .setParameter("sequence", event.sequence())
                .executeUpdate();
        if (TrainingEvent.EPOCH_COMPLETED.equals(event.type()) && event.epoch() != null) {
            recordEpoch(event);
        }
        return true;
    }

    private void recordEpoch(TrainingEvent event) {
        session.createNativeMutationQuery("""
                insert into epoch_history as h (job_id, epoch, train_loss, train_accuracy, validation_loss,
                                                validation_accuracy, samples_per_second, elapsed_millis,
                                                completed_at, sequence)
                values (:jobId, :epoch, :trainLoss, :trainAccuracy, :validationLoss, :validationAccuracy,
                        :samplesPerSecond, :elapsedMillis, :time, :sequence)
                on conflict (job_id, epoch) do update set
                    train_loss = excluded.train_loss, train_accuracy = excluded.train_accuracy,
                    validation_loss = excluded.validation_loss, validation_accuracy = excluded.validation_accuracy,
                    samples_per_second = excluded.samples_per_second, elapsed_millis = excluded.elapsed_millis,
                    completed_at = excluded.completed_at, sequence = excluded.sequence
                where excluded.sequence > h.sequence
                """)
                .setParameter("jobId", event.jobId())
                .setParameter("epoch", event.epoch())
                .setParameter("trainLoss", event.trainLoss(), Double.class)
                .setParameter("trainAccuracy", event.trainAccuracy(), Double.class)
                .setParameter("validationLoss", event.validationLoss(), Double.class)
                .setParameter("validationAccuracy", event.validationAccuracy(), Double.class)
                .setParameter("samplesPerSecond", event.samplesPerSecond(), Double.class)
                .setParameter("elapsedMillis", event.elapsedMillis(), Long.class)
                .setParameter("time", event.time(), Instant.class)
                .setParameter("sequence", event.sequence())
                .executeUpdate();
    }

    /** Records the event id; false when it was already there (a redelivery). */
    private boolean firstDelivery(UUID eventId) {
        return session.createNativeMutationQuery("insert into processed_event (event_id) values (:id) on conflict do nothing")
                .setParameter("id", eventId)
                .executeUpdate() == 1;
    }

    private String toJson(JobEvent event) {
        if (event.hyperparameters() == null) {
            return null;
        }
        try {
            return json.writeValueAsString(event.hyperparameters());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("hyperparameters of job " + event.jobId() + " are not JSON", e);
        }
    }
}
