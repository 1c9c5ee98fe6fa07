package io.finetune.gateway.rest;

import io.finetune.common.problem.Problem;
import io.finetune.gateway.client.DownstreamProblemException;
import io.finetune.gateway.client.DownstreamUnavailableException;
import io.finetune.gateway.config.GatewayConfig;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** What the caller sees when an owning service answers with an error, or cannot be reached. */
public class DownstreamProblemMappers {

    private static final Logger LOG = Logger.getLogger(DownstreamProblemMappers.class);

    private final GatewayConfig config;

    public DownstreamProblemMappers(GatewayConfig config) {
        this.config = config;
    }

    @ServerExceptionMapper
    public Response passThrough(DownstreamProblemException e) {
        return e.toResponse();
    }

    @ServerExceptionMapper
    public Response unavailable(DownstreamUnavailableException e) {
        LOG.warnf("%s: %s", e.getMessage(), e.getCause());
        Problem problem = Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                e.service() + " is not available at the moment; retry later", List.of());
        return Response.fromResponse(problem.toResponse())
                .header(HttpHeaders.RETRY_AFTER, config.downstream().retryAfter().toSeconds())
                .build();
    }
}
