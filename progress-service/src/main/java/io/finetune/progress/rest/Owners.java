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

    /** A malformed id names no job: 404 like any unknown one. */
    static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("Job " + id);
        }
    }
}
