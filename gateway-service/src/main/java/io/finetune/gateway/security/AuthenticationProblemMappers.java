package io.finetune.gateway.security;

import io.finetune.common.problem.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * 401 as problem+json. Authentication is lazy ({@code quarkus.http.auth.proactive=false}) so that
 * its failures reach these mappers instead of Quarkus' bare challenge response.
 */
public class AuthenticationProblemMappers {

    private static final String CHALLENGE = "Bearer";

    @ServerExceptionMapper
    public Response noIdentity(UnauthorizedException e) {
        return unauthorized("Authentication is required: send a bearer token");
    }

    @ServerExceptionMapper
    public Response badCredentials(AuthenticationFailedException e) {
        // Why a token failed (expired, wrong issuer, bad signature) is not told to the caller.
        return unauthorized(e.getMessage() != null && !e.getMessage().isBlank()
                ? e.getMessage()
                : "The credentials are not valid");
    }

    private static Response unauthorized(String detail) {
        return Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED, detail, List.of()).toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .build();
    }
}
