package io.finetune.progress.service;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
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
 * the least, last-of values the one of the greatest sequence. The merges are associative, so a batch
 * is folded in memory first (one row per job, per attempt, per epoch report) and each table gets one
 * set-based statement for the whole batch: per-row statements cost PostgreSQL an execution each, and
 * a job's nine events become one {@code job_view} row version instead of fourteen. The event-id check
 * ({@code processed_event}) only saves work: a redelivered event whose id was pruned changes nothing.
 *
 * <p>Inside the transaction it also queues one PostgreSQL notification per owner ({@link JobChanges});
 * PostgreSQL delivers it after the commit, to every instance (live updates, {@code ChangeListener}).
 */
@ApplicationScoped
public class JobProjection {

    /** The PostgreSQL notification channel; the payload is a {@link JobChanges} as JSON. */
    public static final String CHANGES_CHANNEL = "progress_job_changes";

    /** Jobs named per notification: PostgreSQL caps a payload at 8,000 bytes. */
    private static final int JOBS_PER_NOTIFICATION = 100;

    /** The scheduler's facts: a row takes them only from a newer transition (a higher {@code job_sequence}). */
    private static final List<String> SCHEDULER_FACTS = List.of("owner", "name", "status", "reason", "recipe",
            "dataset_id", "epochs", "hyperparameters", "lane", "priority_class", "attempt", "finished_at");
    /** Prediction jobs' and base models' facts: a newer transition that does not state them keeps what is known. */
    private static final List<String> KEPT_FACTS = List.of("kind", "model", "model_version", "result_uri", "base_model");
    private static final String JOB_COLUMNS = """
            id, owner, name, status, reason, recipe, dataset_id, epochs, hyperparameters, lane, priority_class, attempt,
            finished_at, job_sequence, kind, model, model_version, result_uri, base_model, created_at, queued_at, started_at,
            model_uri, succeeded_attempt, error_kind, error_sequence, training_sequence""";
    /**
     * One row per job of the batch (a {@link JobRow} each, as JSON). A row the trainer's events create
     * before the scheduler's first has job_sequence 0 and no scheduler facts. The model is the lowest
     * succeeded attempt's; the error kind the latest failure's.
     */
    private static final String JOB_MERGE = """
            insert into job_view as v (%1$s)
            select %1$s from jsonb_populate_recordset(null::job_view, cast(? as jsonb)) order by id
            on conflict (id) do update set
                %2$s,
                %3$s,
                job_sequence = greatest(v.job_sequence, excluded.job_sequence),
                created_at = least(v.created_at, excluded.created_at),
                queued_at = least(v.queued_at, excluded.queued_at),
                started_at = least(v.started_at, excluded.started_at),
                model_uri = case when excluded.succeeded_attempt < coalesce(v.succeeded_attempt, 2147483647)
                                 then excluded.model_uri else v.model_uri end,
                succeeded_attempt = least(v.succeeded_attempt, excluded.succeeded_attempt),
                error_kind = case when excluded.error_sequence > v.error_sequence
                                  then excluded.error_kind else v.error_kind end,
                error_sequence = greatest(v.error_sequence, excluded.error_sequence),
                training_sequence = greatest(v.training_sequence, excluded.training_sequence)
            """.formatted(JOB_COLUMNS,
            SCHEDULER_FACTS.stream().map(c -> "%1$s = case when excluded.job_sequence > v.job_sequence "
                    .formatted(c) + "then excluded.%1$s else v.%1$s end".formatted(c))
                    .collect(Collectors.joining(",\n    ")),
            KEPT_FACTS.stream().map(c -> "%1$s = case when excluded.job_sequence > v.job_sequence "
                    .formatted(c) + "then coalesce(excluded.%1$s, v.%1$s) else v.%1$s end".formatted(c))
                    .collect(Collectors.joining(",\n    ")));
    private static final String ATTEMPT_MERGE = """
            insert into attempt_progress as p (job_id, attempt, first_epoch)
            select job_id, attempt, first_epoch
            from jsonb_populate_recordset(null::attempt_progress, cast(? as jsonb)) order by job_id, attempt
            on conflict (job_id, attempt) do update set first_epoch = excluded.first_epoch
            where excluded.first_epoch < p.first_epoch
            """;
    /** Answers the reports that changed the history. */
    private static final String EPOCH_MERGE = """
            insert into epoch_history as h (job_id, attempt, epoch, train_loss, train_accuracy, validation_loss,
                                            validation_accuracy, samples_per_second, elapsed_millis, completed_at,
                                            sequence)
            select job_id, attempt, epoch, train_loss, train_accuracy, validation_loss, validation_accuracy,
                   samples_per_second, elapsed_millis, completed_at, sequence
            from jsonb_populate_recordset(null::epoch_history, cast(? as jsonb)) order by job_id, attempt, epoch
            on conflict (job_id, attempt, epoch) do update set
                train_loss = excluded.train_loss, train_accuracy = excluded.train_accuracy,
                validation_loss = excluded.validation_loss, validation_accuracy = excluded.validation_accuracy,
                samples_per_second = excluded.samples_per_second, elapsed_millis = excluded.elapsed_millis,
                completed_at = excluded.completed_at, sequence = excluded.sequence
            where excluded.sequence > h.sequence
            returning job_id, attempt, epoch
            """;

    /** The job's history (GET /jobs/{id}/events): a row per event, never changed once written. */
    private static final String EVENT_LOG = """
            insert into job_event (job_id, event_id, type, time, sequence, status, reason, attempt, worker, error_kind,
                                   message)
            select job_id, event_id, type, time, sequence, status, reason, attempt, worker, error_kind, message
            from jsonb_populate_recordset(null::job_event, cast(? as jsonb)) order by job_id, event_id
            on conflict do nothing
            """;
    /** The trainers' reports that belong in a job's history (epochs are its epoch history). */
    private static final Set<String> LOGGED_TRAINING_EVENTS = Set.of(TrainingEvent.STARTED, TrainingEvent.SUCCEEDED,
            TrainingEvent.FAILED, TrainingEvent.CANCELLED, TrainingEvent.PREEMPTED);

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
            // by sequence: the fold keeps the latest of each job, attempt and epoch report
            List<JobEvent> jobEvents = fresh.stream().filter(JobEvent.class::isInstance).map(JobEvent.class::cast)
                    .sorted(Comparator.comparingLong(JobEvent::sequence)).toList();
            List<TrainingEvent> trainingEvents = fresh.stream().filter(TrainingEvent.class::isInstance)
                    .map(TrainingEvent.class::cast).sorted(Comparator.comparingLong(TrainingEvent::sequence)).toList();
            List<ModelEvent> modelEvents = fresh.stream().filter(ModelEvent.class::isInstance)
                    .map(ModelEvent.class::cast).toList();
            List<JobEvent> transitions = applyJobs(c, jobEvents, trainingEvents);
            List<TrainingEvent> epochs = applyEpochs(c, trainingEvents);
            List<ModelEvent> versions = models.apply(c, modelEvents);
            logEvents(c, jobEvents, trainingEvents);
            notifyChanges(c, fresh, epochs);
            return new Applied(fresh, transitions, epochs, versions);
        } catch (SQLException | JsonProcessingException e) {
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

    /**
     * Writes one {@code job_view} row per job of the batch; answers the transitions that took effect
     * (above the job's sequence before the batch: each at most once, sequences only grow).
     */
    private List<JobEvent> applyJobs(Connection c, List<JobEvent> jobEvents, List<TrainingEvent> trainingEvents)
            throws SQLException, JsonProcessingException {
        Map<UUID, JobRow> rows = new TreeMap<>();
        // One lock order for every writer (job id): the rows are locked here, then written in that order.
        Map<UUID, Long> before = jobEvents.isEmpty() ? Map.of() : lockedSequences(c, jobEvents);
        List<JobEvent> transitions = new ArrayList<>();
        for (JobEvent e : jobEvents) {
            boolean newer = e.sequence() > before.getOrDefault(e.jobId(), 0L);
            rows.computeIfAbsent(e.jobId(), JobRow::new).add(e, newer);
            if (newer) {
                transitions.add(e);
            }
        }
        trainingEvents.forEach(e -> rows.computeIfAbsent(e.jobId(), JobRow::new).add(e));
        if (!rows.isEmpty()) {
            try (PreparedStatement merge = c.prepareStatement(JOB_MERGE)) {
                merge.setString(1, json.writeValueAsString(rows.values()));
                merge.executeUpdate();
            }
        }
        return transitions;
    }

    /** The jobs' sequences before this batch (absent: not in the view yet), their rows locked in id order. */
    private static Map<UUID, Long> lockedSequences(Connection c, List<JobEvent> events) throws SQLException {
        Map<UUID, Long> sequences = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "select id, job_sequence from job_view where id = any(?) order by id for update")) {
            s.setArray(1, c.createArrayOf("uuid", events.stream().map(JobEvent::jobId).distinct().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sequences.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
        return sequences;
    }

    /** Answers the epoch reports that changed the history (the latest of each in the batch). */
    private List<TrainingEvent> applyEpochs(Connection c, List<TrainingEvent> events)
            throws SQLException, JsonProcessingException {
        Map<EpochKey, TrainingEvent> reports = new TreeMap<>();
        Map<EpochKey, AttemptRow> attempts = new TreeMap<>();
        for (TrainingEvent e : events) {
            if (TrainingEvent.EPOCH_COMPLETED.equals(e.type()) && e.epoch() != null) {
                reports.put(new EpochKey(e.jobId(), e.attempt(), e.epoch()), e);
                attempts.merge(new EpochKey(e.jobId(), e.attempt(), 0), new AttemptRow(e.jobId(), e.attempt(), e.epoch()),
                        (a, b) -> a.firstEpoch() <= b.firstEpoch() ? a : b);
            }
        }
        if (reports.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement attempt = c.prepareStatement(ATTEMPT_MERGE);
                PreparedStatement epoch = c.prepareStatement(EPOCH_MERGE)) {
            attempt.setString(1, json.writeValueAsString(attempts.values()));
            attempt.executeUpdate();
            epoch.setString(1, json.writeValueAsString(reports.values().stream().map(EpochRow::of).toList()));
            List<TrainingEvent> changed = new ArrayList<>();
            try (ResultSet rs = epoch.executeQuery()) {
                while (rs.next()) {
                    changed.add(reports.get(new EpochKey(rs.getObject(1, UUID.class), rs.getInt(2), rs.getInt(3))));
                }
            }
            return changed;
        }
    }

    /** Adds the batch's transitions and the trainers' lifecycle reports to their jobs' histories. */
    private void logEvents(Connection c, List<JobEvent> jobEvents, List<TrainingEvent> trainingEvents)
            throws SQLException, JsonProcessingException {
        List<EventRow> rows = new ArrayList<>();
        jobEvents.forEach(e -> rows.add(EventRow.of(e)));
        trainingEvents.stream().filter(e -> LOGGED_TRAINING_EVENTS.contains(e.type())).forEach(e -> rows.add(EventRow.of(e)));
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(EVENT_LOG)) {
            s.setString(1, json.writeValueAsString(rows));
            s.executeUpdate();
        }
    }

    /** One notification per owner naming the jobs that changed and their changed epochs; sent on commit. */
    private void notifyChanges(Connection c, List<PlatformEvent> applied, List<TrainingEvent> epochs)
            throws SQLException, JsonProcessingException {
        if (applied.isEmpty()) {
            return;
        }
        Map<UUID, Set<Integer>> changedEpochs = new HashMap<>();
        epochs.forEach(e -> changedEpochs.computeIfAbsent(e.jobId(), id -> new TreeSet<>()).add(e.epoch()));
        Map<String, Map<UUID, Set<Integer>>> byOwner = new TreeMap<>();
        for (PlatformEvent e : applied) {
            byOwner.computeIfAbsent(owner(e), o -> new LinkedHashMap<>())
                    .put(jobId(e), changedEpochs.getOrDefault(jobId(e), Set.of()));
        }
        List<String> payloads = new ArrayList<>();
        for (Map.Entry<String, Map<UUID, Set<Integer>>> owner : byOwner.entrySet()) {
            List<Map.Entry<UUID, Set<Integer>>> jobs = new ArrayList<>(owner.getValue().entrySet());
            for (int from = 0; from < jobs.size(); from += JOBS_PER_NOTIFICATION) {
                Map<UUID, Set<Integer>> chunk = new LinkedHashMap<>();
                jobs.subList(from, Math.min(jobs.size(), from + JOBS_PER_NOTIFICATION))
                        .forEach(j -> chunk.put(j.getKey(), j.getValue()));
                payloads.add(json.writeValueAsString(new JobChanges(owner.getKey(), chunk)));
            }
        }
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

    private static String owner(PlatformEvent event) {
        if (event instanceof JobEvent e) {
            return e.owner();
        }
        return event instanceof ModelEvent m ? m.owner() : ((TrainingEvent) event).owner();
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }

    /**
     * One job's facts in a batch (a {@code job_view} row), folded as {@link #JOB_MERGE} folds them
     * into the stored row; events are added in sequence order.
     */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    static final class JobRow {
        private final UUID id;
        private String owner;
        // the scheduler's facts: of the batch's latest transition above the stored one (job_sequence)
        private String name;
        private String status;
        private String reason;
        private String recipe;
        private UUID datasetId;
        private Integer epochs;
        private Map<String, Object> hyperparameters;
        private String lane;
        private String priorityClass;
        private Integer attempt;
        private Instant finishedAt;
        private long jobSequence;
        private String kind;
        private String model;
        private Integer modelVersion;
        private String resultUri;
        private String baseModel;
        // first-of: from every event, late ones included
        private Instant createdAt;
        private Instant queuedAt;
        private Instant startedAt;
        // the trainers' facts
        private String modelUri;
        private Integer succeededAttempt;
        private String errorKind;
        private long errorSequence;
        private long trainingSequence;

        JobRow(UUID id) {
            this.id = id;
        }

        /** {@code newer}: above the stored transition, so its facts replace the row's. */
        void add(JobEvent e, boolean newer) {
            JobStatus status = e.status();
            createdAt = min(createdAt, e.time());
            queuedAt = min(queuedAt, status == JobStatus.QUEUED ? e.time() : null);
            startedAt = min(startedAt, status == JobStatus.RUNNING ? e.time() : null);
            if (owner == null) {
                owner = e.owner();
            }
            if (!newer) {
                return;
            }
            owner = e.owner();
            name = e.name();
            this.status = status.wireName();
            reason = e.reason();
            recipe = e.recipe();
            datasetId = e.datasetId();
            epochs = e.epochs();
            hyperparameters = e.hyperparameters();
            lane = e.lane();
            priorityClass = e.priorityClass();
            attempt = e.attempt();
            finishedAt = status.isTerminal() ? e.time() : null;
            jobSequence = e.sequence();
            kind = e.kind() != null ? e.kind() : kind;
            model = e.model() != null ? e.model() : model;
            modelVersion = e.modelVersion() != null ? e.modelVersion() : modelVersion;
            resultUri = e.resultUri() != null ? e.resultUri() : resultUri;
            baseModel = e.baseModel() != null ? e.baseModel() : baseModel;
        }

        void add(TrainingEvent e) {
            createdAt = min(createdAt, e.time());
            startedAt = min(startedAt, TrainingEvent.STARTED.equals(e.type()) ? e.time() : null);
            if (owner == null) {
                owner = e.owner();
            }
            if (jobSequence == 0) {
                // a partial row until the scheduler's first transition: the trainer's count of epochs
                epochs = e.epochs();
            }
            if (TrainingEvent.SUCCEEDED.equals(e.type())
                    && (succeededAttempt == null || e.attempt() < succeededAttempt)) {
                succeededAttempt = e.attempt();
                modelUri = e.modelUri();
            }
            if (TrainingEvent.FAILED.equals(e.type())) {
                errorKind = e.errorKind();
                errorSequence = e.sequence();
            }
            trainingSequence = e.sequence();
        }
    }

    /** An {@code attempt_progress} row: the first epoch an attempt reported. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AttemptRow(UUID jobId, int attempt, int firstEpoch) {
    }

    /** An {@code epoch_history} row: one attempt's report of one epoch. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EpochRow(UUID jobId, int attempt, int epoch, Double trainLoss, Double trainAccuracy, Double validationLoss,
            Double validationAccuracy, Double samplesPerSecond, Long elapsedMillis, Instant completedAt,
            long sequence) {
        static EpochRow of(TrainingEvent e) {
            return new EpochRow(e.jobId(), e.attempt(), e.epoch(), e.trainLoss(), e.trainAccuracy(),
                    e.validationLoss(), e.validationAccuracy(), e.samplesPerSecond(), e.elapsedMillis(), e.time(),
                    e.sequence());
        }
    }

    /** A {@code job_event} row: one event in a job's history. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EventRow(UUID jobId, UUID eventId, String type, Instant time, long sequence, String status, String reason,
            Integer attempt, String worker, String errorKind, String message) {
        static EventRow of(JobEvent e) {
            return new EventRow(e.jobId(), e.eventId(), e.type(), e.time(), e.sequence(),
                    e.status() == null ? null : e.status().wireName(), e.reason(), e.attempt(), null, null, null);
        }

        static EventRow of(TrainingEvent e) {
            return new EventRow(e.jobId(), e.eventId(), e.type(), e.time(), e.sequence(), null, null, e.attempt(),
                    e.worker(), e.errorKind(), e.message());
        }
    }

    /** A report's place in the history, in the writers' lock order. */
    private record EpochKey(UUID jobId, int attempt, int epoch) implements Comparable<EpochKey> {
        private static final Comparator<EpochKey> ORDER = Comparator.comparing(EpochKey::jobId)
                .thenComparingInt(EpochKey::attempt).thenComparingInt(EpochKey::epoch);

        @Override
        public int compareTo(EpochKey other) {
            return ORDER.compare(this, other);
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
