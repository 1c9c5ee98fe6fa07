package io.finetune.serving.service;

import java.time.Duration;

/** The version asked for cannot answer yet (it is loading, or its last load failed): try again later. */
public class ModelNotReadyException extends RuntimeException {

    private final Duration retryAfter;

    public ModelNotReadyException(String detail, Duration retryAfter) {
        super(detail);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
