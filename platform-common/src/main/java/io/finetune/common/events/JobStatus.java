package io.finetune.common.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The lifecycle of a job, owned by scheduler-service. */
public enum JobStatus {
    /** Waiting for its dataset to be validated. */
    VALIDATING,
    QUEUED,
    /** Released to a trainer slot; no trainer has reported yet. */
    DISPATCHED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    TIMED_OUT;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == TIMED_OUT;
    }

    /** Holds a trainer slot: counted against the capacity of its lane. */
    public boolean holdsSlot() {
        return this == DISPATCHED || this == RUNNING;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static JobStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
