package io.finetune.gateway.rest;

import io.finetune.common.problem.Problem;
import io.finetune.gateway.config.GatewayConfig;
import io.finetune.gateway.security.CurrentUser;
import io.finetune.gateway.service.TokenBuckets;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Per-user rate limit of the API (a token bucket per user id): a user over the limit gets a 429
 * with Retry-After, other users are not slowed down. Requests without identity pass on to the 401.
 */
public class RateLimitFilter {

    private final CurrentIdentityAssociation identity;
    private final TokenBuckets buckets;

    public RateLimitFilter(CurrentIdentityAssociation identity, GatewayConfig config) {
        this.identity = identity;
        GatewayConfig.RateLimit limit = config.rateLimit();
        this.buckets = limit.enabled() ? new TokenBuckets(limit.perSecond(), limit.burst(), System::nanoTime) : null;
    }

    @ServerRequestFilter
    public Uni<Response> limit() {
        if (buckets == null) {
            return Uni.createFrom().nullItem();
        }
        return identity.getDeferredIdentity().map(user -> {
            if (user.isAnonymous()) {
                return null;
            }
            long waitNanos = buckets.tryTake(CurrentUser.idOf(user));
            if (waitNanos == 0) {
                return null;
            }
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1));
            return Response.fromResponse(Problem.of(Response.Status.TOO_MANY_REQUESTS,
                            "Too many requests from this user; retry after " + seconds + " s", List.of()).toResponse())
                    .header(HttpHeaders.RETRY_AFTER, seconds)
                    .build();
        });
    }
}
