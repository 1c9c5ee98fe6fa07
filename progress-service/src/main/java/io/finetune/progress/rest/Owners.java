package io.finetune.progress.rest;

import io.finetune.common.problem.ProblemException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** The gateway's identity header and job ids in paths, checked the same way by every resource. */
final class Owners {

    static final String OWNER_HEADER = "X-Owner";

    private Owners() {
    }

    static String required(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "The " + OWNER_HEADER + " header is required");
        }
        return owner;
    }

    /**
     * Names never contain control characters (they are refused when jobs are submitted), and
     * PostgreSQL cannot even compare text with a NUL in it: such a value matches nothing.
     */
    static boolean hasControlCharacters(String value) {
        return value != null && value.chars().anyMatch(Character::isISOControl);
    }

    /** A name with control characters names no model: 404 like any unknown one. */
    static String modelName(String name) {
        if (hasControlCharacters(name)) {
            throw ProblemException.notFound("Model");
        }
        return name;
    }

    /** A malformed id names no job: 404 like any unknown one. */
    static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("Job " + id);
        }
    }
}
