package io.finetune.gateway.web;

import io.finetune.common.problem.Problem;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.config.GatewayConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * What happens to every HTTP request before JAX-RS sees it: a request id, and the global
 * concurrency guard of the API. Both are Vert.x route handlers so that the guard's slot is freed
 * when the response ends, whatever ended it.
 */
@ApplicationScoped
public class EdgeRoutes {

    /** A client's own id is kept when it is harmless in logs and headers; otherwise the gateway makes one. */
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final String API = "/api/";
    static final String STREAM_SUFFIX = "/stream";
    static final String MDC_REQUEST_ID = "requestId";
    private static final String PROBLEM_BUSY = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
            + "\"detail\":\"The platform is busy; retry after the time in Retry-After\"}";

    private final GatewayConfig.Concurrency concurrency;
    private final AtomicInteger inFlight = new AtomicInteger();

    public EdgeRoutes(GatewayConfig config) {
        this.concurrency = config.concurrency();
    }

    void install(@Observes Router router) {
        router.route().order(-200).handler(this::requestId);
        router.route(API + "*").order(-100).handler(this::guard);
    }

    void requestId(RoutingContext context) {
        String given = context.request().getHeader(Downstream.REQUEST_ID);
        String id = given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        // Set on the request too: the access log and the REST client filter read it from there.
        context.request().headers().set(Downstream.REQUEST_ID, id);
        context.response().putHeader(Downstream.REQUEST_ID, id);
        MDC.put(MDC_REQUEST_ID, id);
        context.next();
    }

    /**
     * At most {@code gateway.concurrency.max-in-flight} API requests at once; one more is a 429 at
     * once, so that a burst degrades into quick refusals instead of queueing into timeouts.
     * Event streams are left out: they stay open for as long as a page does.
     */
    void guard(RoutingContext context) {
        if (context.normalizedPath().endsWith(STREAM_SUFFIX)) {
            context.next();
            return;
        }
        if (inFlight.incrementAndGet() > concurrency.maxInFlight()) {
            inFlight.decrementAndGet();
            context.response()
                    .setStatusCode(Response.Status.TOO_MANY_REQUESTS.getStatusCode())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, concurrency.retryAfter().toSeconds())))
                    .end(PROBLEM_BUSY);
            return;
        }
        context.addEndHandler(done -> inFlight.decrementAndGet());
        context.next();
    }
}
