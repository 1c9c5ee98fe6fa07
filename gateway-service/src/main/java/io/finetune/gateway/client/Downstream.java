package io.finetune.gateway.client;

import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.ProcessingException;
import java.util.function.Supplier;

/** How the gateway calls an owning service: what is shared by every client. */
public final class Downstream {

    /** The header that tells an owning service whose resources a call is about (docs/development.md). */
    public static final String OWNER = "X-Owner";

    /** A client's key for a command that must take effect once, however often it is retried. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /**
     * The id of the request that caused a call; set by the gateway when the client sent none, and
     * passed on to every owning service (RequestIdClientFilter).
     */
    public static final String REQUEST_ID = "X-Request-Id";

    public static final String DATASET_SERVICE = "dataset-service";
    public static final String SCHEDULER_SERVICE = "scheduler-service";
    public static final String PROGRESS_SERVICE = "progress-service";
    public static final String SERVING_SERVICE = "serving-service";

    private Downstream() {
    }

    /**
     * Runs one call to {@code service}; a refused connection, a network error or a read timeout
     * ({@code quarkus.rest-client.<service>.read-timeout}) becomes
     * {@link DownstreamUnavailableException}. Error answers arrive as {@link DownstreamProblemException}
     * from the clients' exception mappers and pass through untouched.
     */
    public static <T> T call(String service, Supplier<T> call) {
        try {
            return call.get();
        } catch (ProcessingException e) {
            throw new DownstreamUnavailableException(service, e);
        }
    }

    /** {@link #call} for a stream: the same failures, when it cannot be opened or breaks. */
    public static <T> Multi<T> stream(String service, Supplier<Multi<T>> call) {
        return call(service, call).onFailure(ProcessingException.class)
                .transform(e -> new DownstreamUnavailableException(service, e));
    }
}
