package io.finetune.common.problem;

import jakarta.ws.rs.core.Response;
import java.util.List;

/** Thrown by service code for an error the caller can act on; rendered as problem+json. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Response.Status status, String detail) {
        this(status, detail, List.of());
    }

    public ProblemException(Response.Status status, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.problem = Problem.of(status, detail, errors);
    }

    /** For a status that {@link Response.Status} lacks, e.g. {@link Problem#UNPROCESSABLE_CONTENT}. */
    public ProblemException(Response.StatusType status, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.problem = Problem.of(status, detail, errors);
    }

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(Response.Status.NOT_FOUND, what + " not found");
    }
}
