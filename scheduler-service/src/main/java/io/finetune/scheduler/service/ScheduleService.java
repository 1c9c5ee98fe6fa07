package io.finetune.scheduler.service;

import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.scheduler.config.RecurringConfig;
import io.finetune.scheduler.entity.Locks;
import io.finetune.scheduler.entity.Schedule;
import io.finetune.scheduler.entity.ScheduleRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.Response;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Recurring training schedules of an owner: created, read, replaced and deleted here; fired by
 * {@link RecurringTraining}. Another owner's schedule is as good as absent (404).
 */
@ApplicationScoped
public class ScheduleService {

    /** A run's job name: the schedule's name and its fire time in UTC. */
    static final DateTimeFormatter RUN_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneId.of("UTC"));
    /** The template fields a run fills in itself, so they are not the template's errors. */
    private static final Set<String> RUN_FIELDS = Set.of("name", "datasetId");

    private final Validator validator;
    private final JobService jobs;
    private final RecurringConfig config;
    private final Clock clock;

    ScheduleService(Validator validator, JobService jobs, RecurringConfig config, Clock clock) {
        this.validator = validator;
        this.jobs = jobs;
        this.config = config;
        this.clock = clock;
    }

    /**
     * @throws ProblemException 422 with every field error (a cron expression that is not valid Unix cron
     *         on {@code cron}), 409 for a name the owner already uses, 429 beyond {@code max-per-user}
     */
    @Transactional
    public ScheduleView create(String owner, NewSchedule request) {
        Checked checked = check(request);
        Locks.owner(owner);
        if (Schedule.count("owner", owner) >= config.maxPerUser()) {
            throw new ProblemException(Response.Status.TOO_MANY_REQUESTS, "You already have " + config.maxPerUser()
                    + " schedules; delete one first",
                    List.of(new Problem.FieldError("name", "over the quota of " + config.maxPerUser() + " schedules")));
        }
        Schedule schedule = new Schedule();
        schedule.id = UUID.randomUUID();
        schedule.owner = owner;
        schedule.createdAt = clock.now();
        apply(schedule, request, checked);
        persist(schedule);
        return ScheduleView.of(schedule, List.of());
    }

    @Transactional
    public List<ScheduleView> list(String owner) {
        return Schedule.<Schedule>list("owner = ?1 order by name", owner).stream()
                .map(s -> ScheduleView.of(s, ScheduleRun.recent(s.id, ScheduleView.RECENT_RUNS))).toList();
    }

    @Transactional
    public ScheduleView get(String owner, UUID id) {
        Schedule schedule = owned(owner, id);
        return ScheduleView.of(schedule, ScheduleRun.recent(id, ScheduleView.RECENT_RUNS));
    }

    /** Replaces the schedule's settings; runs already fired keep going. The next fire is computed anew. */
    @Transactional
    public ScheduleView replace(String owner, UUID id, NewSchedule request) {
        Checked checked = check(request);
        Schedule schedule = owned(owner, id);
        apply(schedule, request, checked);
        persist(schedule);
        return ScheduleView.of(schedule, ScheduleRun.recent(id, ScheduleView.RECENT_RUNS));
    }

    /** Deletes the schedule and its runs' records; jobs already submitted are not touched. */
    @Transactional
    public void delete(String owner, UUID id) {
        owned(owner, id).delete();
    }

    private static Schedule owned(String owner, UUID id) {
        return Schedule.owned(owner, id).orElseThrow(() -> new ProblemException(Response.Status.NOT_FOUND,
                "No schedule " + id));
    }

    /** What {@link #check} parsed. */
    private record Checked(ZoneId zone, CronTimes times, Duration sla) {
    }

    private Checked check(NewSchedule request) {
        if (request == null) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError("body", "a schedule is required")));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        validator.validate(request).forEach(v ->
                errors.add(new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage())));
        ZoneId zone = ZoneId.of("UTC");
        if (request.timeZone() != null) {
            try {
                zone = ZoneId.of(request.timeZone());
            } catch (DateTimeException e) {
                errors.add(new Problem.FieldError("timeZone", "not a time zone id (such as UTC or Europe/Zurich)"));
            }
        }
        CronTimes times = null;
        if (request.cron() != null) {
            try {
                times = CronTimes.of(request.cron(), zone);
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("cron", "not a Unix cron expression (minute hour day-of-month month"
                        + " day-of-week, such as '0 3 * * *'): " + e.getMessage()));
            }
        }
        Duration sla = null;
        if (request.sla() != null) {
            try {
                sla = Duration.parse(request.sla());
                if (sla.isNegative() || sla.isZero()) {
                    errors.add(new Problem.FieldError("sla", "must be a positive duration"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new Problem.FieldError("sla", "not an ISO-8601 duration (such as PT2H)"));
            }
        }
        // the template is checked as a run's job will be: same rules, same field names
        NewJob template = new NewJob(request.name(), UUID.randomUUID(), request.recipe(), request.epochs(),
                request.hyperparameters(), request.profile(), request.priorityClass(), request.model());
        jobs.problems(template).stream()
                .filter(e -> !RUN_FIELDS.contains(e.field()) && errors.stream().noneMatch(f -> f.field().equals(e.field())))
                .forEach(errors::add);
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(Problem.FieldError::field));
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", errors);
        }
        return new Checked(zone, times, sla);
    }

    private void apply(Schedule schedule, NewSchedule request, Checked checked) {
        Instant now = clock.now();
        schedule.name = request.name();
        schedule.cron = request.cron();
        schedule.timeZone = checked.zone().getId();
        schedule.datasetPrefix = request.datasetPrefix();
        schedule.model = request.model() == null ? request.name() : request.model();
        schedule.recipe = request.recipe() == null ? JobService.DEFAULT_RECIPE : request.recipe();
        schedule.epochs = request.epochs();
        schedule.hyperparameters = request.hyperparameters();
        schedule.profile = request.profile();
        schedule.priorityClass = request.priorityClass();
        schedule.slaSeconds = checked.sla() == null ? null : checked.sla().toSeconds();
        schedule.maxRetries = request.maxRetries() == null ? config.maxRetries() : request.maxRetries();
        schedule.enabled = request.enabled() == null || request.enabled();
        schedule.nextFireAt = schedule.enabled ? checked.times().next(now).orElse(null) : null;
        schedule.updatedAt = now;
    }

    private static void persist(Schedule schedule) {
        try {
            schedule.persistAndFlush();
        } catch (ConstraintViolationException e) {
            if (Schedule.OWNER_NAME_CONSTRAINT.equals(e.getConstraintName())) {
                throw new ProblemException(Response.Status.CONFLICT, "You already have a schedule named '"
                        + schedule.name + "'", List.of(new Problem.FieldError("name", "already used by another of your schedules")));
            }
            throw e;
        }
    }
}
