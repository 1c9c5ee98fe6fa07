package io.finetune.gateway.client;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestFilter;

/**
 * Passes the id of the gateway request that causes a call on to the owning service, so that one
 * request can be followed through every service's logs. Registered for every REST client.
 */
@Provider
public class RequestIdClientFilter implements ResteasyReactiveClientRequestFilter {

    @Override
    public void filter(ResteasyReactiveClientRequestContext request) {
        if (!Arc.container().requestContext().isActive()) {
            return;
        }
        RoutingContext current = Arc.container().instance(CurrentVertxRequest.class).get().getCurrent();
        String id = current == null ? null : current.request().getHeader(Downstream.REQUEST_ID);
        if (id != null) {
            request.getHeaders().putSingle(Downstream.REQUEST_ID, id);
        }
    }
}
