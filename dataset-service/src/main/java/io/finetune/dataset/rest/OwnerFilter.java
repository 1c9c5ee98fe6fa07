package io.finetune.dataset.rest;

import io.finetune.common.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every endpoint acts for a user, whom the gateway names in {@value #HEADER}; a request without one
 * did not come through the gateway's authentication and is refused before anything else is checked.
 */
public class OwnerFilter {

    public static final String HEADER = "X-Owner";
    /** As long as the owner column. */
    static final int MAX_LENGTH = 255;

    @ServerRequestFilter
    public Optional<Response> requireOwner(ContainerRequestContext request) {
        String owner = request.getHeaderString(HEADER);
        if (owner == null || owner.isBlank() || owner.length() > MAX_LENGTH) {
            return Optional.of(Problem.of(Response.Status.UNAUTHORIZED,
                    "No user identity: the request must carry the " + HEADER + " header set by the gateway",
                    List.of(new Problem.FieldError(HEADER, "is required, at most " + MAX_LENGTH + " characters")))
                    .toResponse());
        }
        return Optional.empty();
    }
}
