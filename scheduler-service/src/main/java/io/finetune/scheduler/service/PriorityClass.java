package io.finetune.scheduler.service;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The first criterion of the release order, highest first: {@code interactive > production > batch}. */
public enum PriorityClass {
    INTERACTIVE,
    PRODUCTION,
    BATCH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PriorityClass> fromWire(String value) {
        return Arrays.stream(values()).filter(c -> c.wireName().equals(value)).findFirst();
    }
}
