package io.finetune.progress.rest;

import io.finetune.common.events.JobStatus;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.progress.service.JobDetail;
import io.finetune.progress.service.JobEventEntry;
import io.finetune.progress.service.JobQuery;
import io.finetune.progress.service.JobQuery.Cursor;
import io.finetune.progress.service.JobQuery.SortField;
import io.finetune.progress.service.JobViewService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job views the gateway reads. The gateway authenticates the user and passes the id in
 * {@code X-Owner}; every query is scoped by it.
 */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    /** The cursor of the next page; absent on the last one. */
    public static final String NEXT_CURSOR_HEADER = "X-Next-Cursor";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private final JobViewService jobs;

    public JobResource(JobViewService jobs) {
        this.jobs = jobs;
    }

    /**
     * One page of the owner's jobs (a JSON array), the next page's cursor in {@value #NEXT_CURSOR_HEADER}.
     * {@code status} may repeat or list several comma-separated; {@code name} is a prefix,
     * {@code nameExact} the whole name; {@code queuedFrom} (inclusive) and {@code queuedTo} (exclusive)
     * are ISO-8601 instants; {@code sort} is {@code createdAt} (default), {@code queuedAt}, {@code name}
     * or {@code status}; {@code order} {@code asc} or {@code desc} (default: desc for times, asc otherwise).
     */
    @GET
    public Response list(@HeaderParam(Owners.OWNER_HEADER) String owner,
            @QueryParam("status") List<String> status,
            @QueryParam("name") String namePrefix,
            @QueryParam("nameExact") String nameExact,
            @QueryParam("queuedFrom") String queuedFrom,
            @QueryParam("queuedTo") String queuedTo,
            @QueryParam("sort") String sort,
            @QueryParam("order") String order,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        String user = Owners.required(owner);
        List<Problem.FieldError> errors = new ArrayList<>();
        Set<String> statuses = statuses(status, errors);
        Instant from = instant("queuedFrom", queuedFrom, errors);
        Instant to = instant("queuedTo", queuedTo, errors);
        SortField field = sort == null || sort.isBlank() ? SortField.CREATED_AT : SortField.fromParam(sort);
        if (field == null) {
            errors.add(new Problem.FieldError("sort", "must be one of createdAt, queuedAt, name, status, not '" + sort + "'"));
            field = SortField.CREATED_AT;
        }
        boolean descending = field == SortField.CREATED_AT || field == SortField.QUEUED_AT;
        if (order != null && !order.isBlank()) {
            if (order.equals("asc") || order.equals("desc")) {
                descending = order.equals("desc");
            } else {
                errors.add(new Problem.FieldError("order", "must be asc or desc, not '" + order + "'"));
            }
        }
        for (String[] text : new String[][] {{"name", namePrefix}, {"nameExact", nameExact}}) {
            if (Owners.hasControlCharacters(text[1])) {
                errors.add(new Problem.FieldError(text[0], "must not contain control characters"));
            }
        }
        int size = limit(limit, errors);
        Cursor after = null;
        if (cursor != null && !cursor.isBlank()) {
            after = Cursor.decode(cursor).orElse(null);
            if (after == null) {
                errors.add(new Problem.FieldError("cursor", "is not a cursor this service made"));
            } else if (after.sort() != field || after.descending() != descending) {
                errors.add(new Problem.FieldError("cursor", "was made for sort=" + after.sort().param + " order="
                        + (after.descending() ? "desc" : "asc") + "; pass the same sort and order"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Response.Status.BAD_REQUEST, "Invalid list query", errors);
        }
        JobViewService.Page page = jobs.list(user, new JobQuery(statuses, blankToNull(namePrefix),
                blankToNull(nameExact), from, to, field, descending, size, after));
        Response.ResponseBuilder response = Response.ok(page.items());
        if (page.nextCursor() != null) {
            response.header(NEXT_CURSOR_HEADER, page.nextCursor());
        }
        return response.build();
    }

    /** How many of the owner's jobs are in each status, and the total. */
    @GET
    @Path("/counts")
    public Map<String, Long> counts(@HeaderParam(Owners.OWNER_HEADER) String owner) {
        return jobs.counts(Owners.required(owner));
    }

    @GET
    @Path("/{id}")
    public JobDetail get(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("id") String id) {
        return jobs.get(Owners.required(owner), Owners.jobId(id));
    }

    /** What happened to the job, when and why: its transitions and its trainers' reports, oldest first. */
    @GET
    @Path("/{id}/events")
    public List<JobEventEntry> events(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("id") String id) {
        return jobs.events(Owners.required(owner), Owners.jobId(id));
    }

    private static Set<String> statuses(List<String> values, List<Problem.FieldError> errors) {
        Set<String> statuses = new LinkedHashSet<>();
        for (String value : values) {
            for (String s : value.split(",")) {
                String name = s.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (Arrays.stream(JobStatus.values()).anyMatch(st -> st.wireName().equals(name))) {
                    statuses.add(name);
                } else {
                    errors.add(new Problem.FieldError("status", "unknown status '" + name + "'"));
                }
            }
        }
        return statuses;
    }

    private static Instant instant(String field, String value, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "must be an ISO-8601 instant like 2026-11-25T10:00:00Z, not '"
                    + value + "'"));
            return null;
        }
    }

    private static int limit(String value, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new Problem.FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", not '" + value + "'"));
        return DEFAULT_LIMIT;
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
