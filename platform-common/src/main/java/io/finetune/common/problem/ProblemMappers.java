package io.finetune.common.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every exception that reaches a REST resource into problem+json, so that no caller ever
 * sees a stack trace or a bare 500 page.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(leaf(v.getPropertyPath().toString()), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .collect(Collectors.toList());
        return Problem.of(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields", errors).toResponse();
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        String field = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? m.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                : "body";
        return Problem.of(Response.Status.BAD_REQUEST, "The request body is not valid JSON for this endpoint",
                List.of(new Problem.FieldError(field, expectation(e)))).toResponse();
    }

    /**
     * What the caller should send, in words: Jackson's own message names our Java types, which are
     * none of the caller's business.
     */
    static String expectation(JsonProcessingException e) {
        if (e instanceof JsonParseException) {
            JsonLocation at = e.getLocation();
            return at == null ? "is not well-formed JSON"
                    : "is not well-formed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        if (!(e instanceof MismatchedInputException m) || m.getTargetType() == null) {
            return "cannot be read as this endpoint's request";
        }
        Class<?> type = m.getTargetType();
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "must be a string";
        }
        if (type == UUID.class) {
            return "must be a UUID such as 3f2b6a0e-8c1d-4e5f-9a7b-1c2d3e4f5a6b";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "must be a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "must be a number";
        }
        if (type.isEnum()) {
            return "is not one of the allowed values";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "must be an ISO-8601 time such as 2026-11-25T13:00:00Z";
        }
        return "must be a JSON object";
    }

    /** Quarkus has a built-in mapper for this subtype (plain JSON body) that would win over {@link #unreadable}. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            LOG.error("Request failed", e);
            return Problem.of(status, "The server could not complete the request", List.of()).toResponse();
        }
        return Problem.of(status, e.getMessage(), List.of()).toResponse();
    }

    /**
     * Anything else is a 500, but for a database that is down or restarting: the same request may well
     * succeed in a few seconds (a restart of PostgreSQL takes that long), so the caller gets 503 +
     * Retry-After at once.
     */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (DatabaseUnavailable.matches(e)) {
            LOG.warnf("Database unavailable: %s", rootMessage(e));
            Response problem = Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                    "The database is unavailable; try again later", List.of()).toResponse();
            return Response.fromResponse(problem).header(HttpHeaders.RETRY_AFTER, DATABASE_RETRY_AFTER_SECONDS).build();
        }
        LOG.error("Unexpected error", e);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "The server could not complete the request", List.of())
                .toResponse();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** {@code submit.request.name} -> {@code name}: callers know the JSON field, not the Java method. */
    private static String leaf(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
