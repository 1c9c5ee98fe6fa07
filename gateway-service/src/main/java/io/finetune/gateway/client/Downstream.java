package io.finetune.gateway.client;

import jakarta.ws.rs.ProcessingException;
import java.util.function.Supplier;

/** How the gateway calls an owning service: what is shared by every client. */
public final class Downstream {

    /** The header that tells an owning service whose resources a call is about (docs/development.md). */
    public static final String OWNER = "X-Owner";

    public static final String DATASET_SERVICE = "dataset-service";
    public static final String SCHEDULER_SERVICE = "scheduler-service";
    public static final String PROGRESS_SERVICE = "progress-service";

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
}
