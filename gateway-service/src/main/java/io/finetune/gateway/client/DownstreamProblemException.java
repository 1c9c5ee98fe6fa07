package io.finetune.gateway.client;

import io.finetune.common.problem.Problem;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An error answer of an owning service. A problem+json body goes back to the caller unchanged,
 * with the same status: the owning service knows best what went wrong.
 */
public class DownstreamProblemException extends RuntimeException {

    private final int status;
    /** The owning service's problem+json as received, or a {@link Problem} of ours when it sent none. */
    private final Object body;

    private DownstreamProblemException(int status, Object body) {
        super("downstream answered " + status);
        this.status = status;
        this.body = body;
    }

    /** Reads an error response of {@code service}. */
    public static DownstreamProblemException from(String service, Response response) {
        int status = response.getStatus();
        MediaType type = response.getMediaType();
        if (type != null && type.isCompatible(Problem.MEDIA)) {
            return new DownstreamProblemException(status, response.readEntity(String.class));
        }
        // A bare 5xx page means the service or something in front of it is broken, not the request.
        Response.StatusType outcome = status >= 500 ? Response.Status.BAD_GATEWAY : response.getStatusInfo();
        return new DownstreamProblemException(outcome.getStatusCode(),
                Problem.of(outcome, service + " answered " + status + " without a problem description", List.of()));
    }

    public Response toResponse() {
        return Response.status(status).type(Problem.MEDIA).entity(body).build();
    }
}
