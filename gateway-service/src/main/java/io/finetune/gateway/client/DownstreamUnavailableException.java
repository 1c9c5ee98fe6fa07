package io.finetune.gateway.client;

/** An owning service could not be reached, or did not answer in time: the caller should retry later. */
public class DownstreamUnavailableException extends RuntimeException {

    private final String service;

    public DownstreamUnavailableException(String service, Throwable cause) {
        super(service + " is unavailable", cause);
        this.service = service;
    }

    public String service() {
        return service;
    }
}
