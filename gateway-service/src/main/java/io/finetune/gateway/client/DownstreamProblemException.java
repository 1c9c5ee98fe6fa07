package io.finetune.gateway.client;

import io.finetune.common.problem.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An error answer of an owning service. A problem+json body goes back to the caller unchanged,
 * with the same status: the owning service knows best what went wrong. So does its
 * {@code Retry-After} (serving-service's 503 while a model version is still loading).
 */
public class DownstreamProblemException extends RuntimeException {

    private final int status;
    /** The owning service's problem+json as received, or a {@link Problem} of ours when it sent none. */
    private final Object body;
    /** The owning service's Retry-After, or null. */
    private final String retryAfter;

    private DownstreamProblemException(int status, Object body, String retryAfter) {
        super("downstream answered " + status);
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter;
    }

    /** Reads an error response of {@code service}. */
    public static DownstreamProblemException from(String service, Response response) {
        int status = response.getStatus();
        MediaType type = response.getMediaType();
        String retryAfter = response.getHeaderString(HttpHeaders.RETRY_AFTER);
        if (type != null && type.isCompatible(Problem.MEDIA)) {
            return new DownstreamProblemException(status, response.readEntity(String.class), retryAfter);
        }
        // A bare 5xx page means the service or something in front of it is broken, not the request.
        Response.StatusType outcome = status >= 500 ? Response.Status.BAD_GATEWAY : response.getStatusInfo();
        return new DownstreamProblemException(outcome.getStatusCode(),
                Problem.of(outcome, service + " answered " + status + " without a problem description", List.of()),
                null);
    }

    public Response toResponse() {
        Response.ResponseBuilder answer = Response.status(status).type(Problem.MEDIA).entity(body);
        if (retryAfter != null) {
            answer.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return answer.build();
    }
}
