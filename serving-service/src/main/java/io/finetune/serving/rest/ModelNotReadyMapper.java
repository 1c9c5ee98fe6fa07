package io.finetune.serving.rest;

import io.finetune.common.problem.Problem;
import io.finetune.serving.service.ModelNotReadyException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** 503 with Retry-After: the caller's request is fine, the version just cannot answer yet. */
public class ModelNotReadyMapper {

    @ServerExceptionMapper
    public Response notReady(ModelNotReadyException e) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), List.of()).toResponse())
                .header(HttpHeaders.RETRY_AFTER, seconds).build();
    }
}
