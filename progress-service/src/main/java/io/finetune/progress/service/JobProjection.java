package io.finetune.progress.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.ModelEvent;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Folds job and training events into {@code job_view}, {@code epoch_history} and
 * {@code attempt_progress}, and model events into the models view ({@link ModelProjection}), a batch
 * of events per transaction.
 *
 * <p>Delivery is at-least-once and the two topics are not ordered with each other, so every write
 * is a merge that converges to the same rows whatever the order and however often it is repeated:
 * scheduler facts replace a row's only from a higher JobEvent sequence; an epoch report replaces the
 * same attempt's report of that epoch only from a higher TrainingEvent sequence; first-of values take
 * the least, last-of values the one of the greatest sequence. Because the merges commute, a batch is
 * sent as one JDBC batch per statement kind (one round trip each) instead of one transaction per
 * event, which caps near PostgreSQL's ~6k TPS here. The event-id check ({@code processed_event}) only
 * saves work: a redelivered event whose id was pruned changes nothing either.
 *
 * <p>Inside the transaction it also queues a PostgreSQL notification per changed job; PostgreSQL
 * delivers it after the commit, to every instance (live updates, {@code ChangeListener}).
 */
@ApplicationScoped
public class JobProjection {

    /** The PostgreSQL notification channel; payload {@code <jobId>[:<epoch>,<epoch>...]}. */
    public static final String CHANGES_CHANNEL = "progress_job_changes";

    private static final String JOB_UPSERT = """
            insert into job_view as v (id, owner, name, status, reason, recipe, dataset_id, epochs, hyperparameters,
                                       lane, priority_class, attempt, created_at, queued_at, started_at,
                                       finished_at, job_sequence, kind, model, model_version, result_uri)
            values (?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (id) do update set
                created_at = least(v.created_at, excluded.created_at),
                queued_at = least(v.queued_at, excluded.queued_at),
                started_at = least(v.started_at, excluded.started_at)
            """;
    /**
     * The scheduler's facts, only from a newer transition: a late event never regresses the row. An event
     * that does not state the kind (null) keeps what is known; the prediction fields only ever get set.
     */
    private static final String JOB_TRANSITION = """
            update job_view set owner = ?, name = ?, status = ?, reason = ?, recipe = ?, dataset_id = ?, epochs = ?,
                                hyperparameters = cast(? as jsonb), lane = ?, priority_class = ?, attempt = ?,
                                finished_at = ?, job_sequence = ?, kind = coalesce(?, kind),
                                model = coalesce(?, model), model_version = coalesce(?, model_version),
                                result_uri = coalesce(?, result_uri)
            where id = ? and job_sequence < ?
            """;
    /**
     * A partial row when the scheduler's first event has not arrived yet. The model is the lowest
     * succeeded attempt's; the error kind the latest failure's.
     */
    private static final String TRAINING_UPSERT = """
            insert into job_view as v (id, owner, epochs, created_at, started_at, model_uri, succeeded_attempt,
                                       error_kind, error_sequence, training_sequence)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (id) do update set
                created_at = least(v.created_at, excluded.created_at),
                started_at = least(v.started_at, excluded.started_at),
                epochs = coalesce(v.epochs, excluded.epochs),
                model_uri = case when excluded.succeeded_attempt < coalesce(v.succeeded_attempt, 2147483647)
                                 then excluded.model_uri else v.model_uri end,
                succeeded_attempt = least(v.succeeded_attempt, excluded.succeeded_attempt),
                error_kind = case when excluded.error_sequence > v.error_sequence
                                  then excluded.error_kind else v.error_kind end,
                error_sequence = greatest(v.error_sequence, excluded.error_sequence),
                training_sequence = greatest(v.training_sequence, excluded.training_sequence)
            """;
    private static final String ATTEMPT_UPSERT = """
            insert into attempt_progress as p (job_id, attempt, first_epoch) values (?, ?, ?)
            on conflict (job_id, attempt) do update set first_epoch = least(p.first_epoch, excluded.first_epoch)
            """;
    private static final String EPOCH_UPSERT = """
            insert into epoch_history as h (job_id, attempt, epoch, train_loss, train_accuracy, validation_loss,
                                            validation_accuracy, samples_per_second, elapsed_millis,
                                            completed_at, sequence)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (job_id, attempt, epoch) do update set
                train_loss = excluded.train_loss, train_accuracy = excluded.train_accuracy,
                validation_loss = excluded.validation_loss, validation_accuracy = excluded.validation_accuracy,
                samples_per_second = excluded.samples_per_second, elapsed_millis = excluded.elapsed_millis,
                completed_at = excluded.completed_at, sequence = excluded.sequence
            where excluded.sequence > h.sequence
            """;

    private final DataSource db;
    private final ObjectMapper json;
    private final ModelProjection models;

    public JobProjection(DataSource db, ObjectMapper json, ModelProjection models) {
        this.db = db;
        this.json = json;
        this.models = models;
    }

    /** Applies one scheduler transition; false when it was a duplicate. */
    public boolean apply(JobEvent event) {
        return !apply(List.of(event)).events().isEmpty();
    }

    /** Applies one trainer report; false when it was a duplicate or carries nothing the view shows. */
    public boolean apply(TrainingEvent event) {
        return !apply(List.of(event)).events().isEmpty();
    }

    /** Applies a batch of events in one transaction, dropping those whose id was already applied. */
    @Transactional
    public Applied apply(List<? extends PlatformEvent> events) {
        return write(events, true);
    }

    /** Applies events without the id check (a rebuild: the merges make repetitions harmless). */
    @Transactional
    public Applied replay(List<? extends PlatformEvent> events) {
        return write(events, false);
    }

    private Applied write(List<? extends PlatformEvent> events, boolean dedup) {
        // Heartbeats only prove liveness to the scheduler; recording them would fill processed_event.
        List<PlatformEvent> relevant = events.stream()
                .filter(e -> !TrainingEvent.HEARTBEAT.equals(e.type())).map(e -> (PlatformEvent) e).toList();
        if (relevant.isEmpty()) {
            return Applied.NONE;
        }
        try (Connection c = db.getConnection()) {
            List<PlatformEvent> fresh = dedup ? firstDeliveries(c, relevant) : relevant;
            // One lock order for every writer: by job, then by sequence.
            Comparator<PlatformEvent> order = Comparator.comparing(JobProjection::jobId)
                    .thenComparingLong(PlatformEvent::sequence);
            List<JobEvent> jobEvents = fresh.stream().filter(JobEvent.class::isInstance).map(JobEvent.class::cast)
                    .sorted(order).toList();
            List<TrainingEvent> trainingEvents = fresh.stream().filter(TrainingEvent.class::isInstance)
                    .map(TrainingEvent.class::cast).sorted(order).toList();
            List<ModelEvent> modelEvents = fresh.stream().filter(ModelEvent.class::isInstance)
                    .map(ModelEvent.class::cast).toList();
            List<JobEvent> transitions = applyJobEvents(c, jobEvents);
            List<TrainingEvent> epochs = applyTrainingEvents(c, trainingEvents);
            List<ModelEvent> versions = models.apply(c, modelEvents);
            notifyChanges(c, fresh, epochs);
            return new Applied(fresh, transitions, epochs, versions);
        } catch (SQLException e) {
            throw new IllegalStateException("could not apply " + relevant.size() + " events", e);
        }
    }

    /** Records the ids; answers the events seen for the first time (once each, in batch order). */
    private static List<PlatformEvent> firstDeliveries(Connection c, List<PlatformEvent> events) throws SQLException {
        Set<UUID> fresh = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "insert into processed_event (event_id) select unnest(?) on conflict do nothing returning event_id")) {
            s.setArray(1, c.createArrayOf("uuid", events.stream().map(PlatformEvent::eventId).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getObject(1, UUID.class));
                }
            }
        }
        List<PlatformEvent> result = new ArrayList<>();
        for (PlatformEvent event : events) {
            if (fresh.remove(event.eventId())) {
                result.add(event);
            }
        }
        return result;
    }

    /** Answers the transitions that took effect (each at most once: sequences only grow). */
    private List<JobEvent> applyJobEvents(Connection c, List<JobEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement upsert = c.prepareStatement(JOB_UPSERT);
                PreparedStatement transition = c.prepareStatement(JOB_TRANSITION)) {
            for (JobEvent e : events) {
                JobStatus status = e.status();
                String hyperparameters = toJson(e);
                int i = 1;
                upsert.setObject(i++, e.jobId());
                upsert.setString(i++, e.owner());
                upsert.setString(i++, e.name());
                upsert.setString(i++, status.wireName());
                upsert.setString(i++, e.reason());
                upsert.setString(i++, e.recipe());
                upsert.setObject(i++, e.datasetId(), Types.OTHER);
                upsert.setInt(i++, e.epochs());
                upsert.setString(i++, hyperparameters);
                upsert.setString(i++, e.lane());
                upsert.setString(i++, e.priorityClass());
                upsert.setInt(i++, e.attempt());
                setTime(upsert, i++, e.time());
                setTime(upsert, i++, status == JobStatus.QUEUED ? e.time() : null);
                setTime(upsert, i++, status == JobStatus.RUNNING ? e.time() : null);
                setTime(upsert, i++, status.isTerminal() ? e.time() : null);
                upsert.setLong(i++, e.sequence());
                upsert.setString(i++, e.kind());
                upsert.setString(i++, e.model());
                upsert.setObject(i++, e.modelVersion(), Types.INTEGER);
                upsert.setString(i, e.resultUri());
                upsert.addBatch();

                i = 1;
                transition.setString(i++, e.owner());
                transition.setString(i++, e.name());
                transition.setString(i++, status.wireName());
                transition.setString(i++, e.reason());
                transition.setString(i++, e.recipe());
                transition.setObject(i++, e.datasetId(), Types.OTHER);
                transition.setInt(i++, e.epochs());
                transition.setString(i++, hyperparameters);
                transition.setString(i++, e.lane());
                transition.setString(i++, e.priorityClass());
                transition.setInt(i++, e.attempt());
                setTime(transition, i++, status.isTerminal() ? e.time() : null);
                transition.setLong(i++, e.sequence());
                transition.setString(i++, e.kind());
                transition.setString(i++, e.model());
                transition.setObject(i++, e.modelVersion(), Types.INTEGER);
                transition.setString(i++, e.resultUri());
                transition.setObject(i++, e.jobId());
                transition.setLong(i, e.sequence());
                transition.addBatch();
            }
            upsert.executeBatch();
            int[] counts = transition.executeBatch();
            List<JobEvent> took = new ArrayList<>();
            for (int k = 0; k < counts.length; k++) {
                if (counts[k] > 0) {
                    took.add(events.get(k));
                }
            }
            return took;
        }
    }

    /** Answers the epoch reports that changed the history. The job's status stays the scheduler's. */
    private static List<TrainingEvent> applyTrainingEvents(Connection c, List<TrainingEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        List<TrainingEvent> epochReports = events.stream()
                .filter(e -> TrainingEvent.EPOCH_COMPLETED.equals(e.type()) && e.epoch() != null).toList();
        try (PreparedStatement upsert = c.prepareStatement(TRAINING_UPSERT);
                PreparedStatement attempt = c.prepareStatement(ATTEMPT_UPSERT);
                PreparedStatement epoch = c.prepareStatement(EPOCH_UPSERT)) {
            for (TrainingEvent e : events) {
                boolean succeeded = TrainingEvent.SUCCEEDED.equals(e.type());
                boolean failed = TrainingEvent.FAILED.equals(e.type());
                int i = 1;
                upsert.setObject(i++, e.jobId());
                upsert.setString(i++, e.owner());
                upsert.setInt(i++, e.epochs());
                setTime(upsert, i++, e.time());
                setTime(upsert, i++, TrainingEvent.STARTED.equals(e.type()) ? e.time() : null);
                upsert.setString(i++, succeeded ? e.modelUri() : null);
                upsert.setObject(i++, succeeded ? e.attempt() : null, Types.INTEGER);
                upsert.setString(i++, failed ? e.errorKind() : null);
                upsert.setLong(i++, failed ? e.sequence() : 0);
                upsert.setLong(i, e.sequence());
                upsert.addBatch();
            }
            for (TrainingEvent e : epochReports) {
                attempt.setObject(1, e.jobId());
                attempt.setInt(2, e.attempt());
                attempt.setInt(3, e.epoch());
                attempt.addBatch();
                int i = 1;
                epoch.setObject(i++, e.jobId());
                epoch.setInt(i++, e.attempt());
                epoch.setInt(i++, e.epoch());
                epoch.setObject(i++, e.trainLoss(), Types.DOUBLE);
                epoch.setObject(i++, e.trainAccuracy(), Types.DOUBLE);
                epoch.setObject(i++, e.validationLoss(), Types.DOUBLE);
                epoch.setObject(i++, e.validationAccuracy(), Types.DOUBLE);
                epoch.setObject(i++, e.samplesPerSecond(), Types.DOUBLE);
                epoch.setObject(i++, e.elapsedMillis(), Types.BIGINT);
                setTime(epoch, i++, e.time());
                epoch.setLong(i, e.sequence());
                epoch.addBatch();
            }
            upsert.executeBatch();
            if (epochReports.isEmpty()) {
                return List.of();
            }
            attempt.executeBatch();
            int[] counts = epoch.executeBatch();
            List<TrainingEvent> took = new ArrayList<>();
            for (int k = 0; k < counts.length; k++) {
                if (counts[k] > 0) {
                    took.add(epochReports.get(k));
                }
            }
            return took;
        }
    }

    /** One notification per changed job, naming the epochs that changed; sent by PostgreSQL on commit. */
    private static void notifyChanges(Connection c, List<PlatformEvent> applied, List<TrainingEvent> epochs)
            throws SQLException {
        if (applied.isEmpty()) {
            return;
        }
        Map<UUID, Set<Integer>> changes = new LinkedHashMap<>();
        applied.forEach(e -> changes.computeIfAbsent(jobId(e), id -> new TreeSet<>()));
        epochs.forEach(e -> changes.get(e.jobId()).add(e.epoch()));
        List<String> payloads = new ArrayList<>();
        changes.forEach((job, changed) -> payloads.add(changed.isEmpty() ? job.toString()
                : job + ":" + String.join(",", changed.stream().map(String::valueOf).toList())));
        try (PreparedStatement s = c.prepareStatement("select pg_notify(?, p) from unnest(?) p")) {
            s.setString(1, CHANGES_CHANNEL);
            s.setArray(2, c.createArrayOf("text", payloads.toArray()));
            s.executeQuery().close();
        }
    }

    /** The job an event is about (a model version: the job that trained it). */
    public static UUID jobId(PlatformEvent event) {
        if (event instanceof JobEvent e) {
            return e.jobId();
        }
        return event instanceof ModelEvent m ? m.jobId() : ((TrainingEvent) event).jobId();
    }

    private static void setTime(PreparedStatement s, int index, Instant instant) throws SQLException {
        s.setObject(index, instant == null ? null : instant.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    private String toJson(JobEvent event) {
        if (event.hyperparameters() == null) {
            return null;
        }
        try {
            return json.writeValueAsString(new TreeMap<>(event.hyperparameters()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("hyperparameters of job " + event.jobId() + " are not JSON", e);
        }
    }

    /**
     * What a batch changed: the events applied (new ids), the transitions that took effect, the
     * epoch reports that changed the history and the model versions registered in the view. Side
     * effects (metrics) key on the last three, which a redelivery never repeats.
     */
    public record Applied(List<PlatformEvent> events, List<JobEvent> transitions, List<TrainingEvent> epochs,
            List<ModelEvent> versions) {
        public static final Applied NONE = new Applied(List.of(), List.of(), List.of(), List.of());
    }
}
