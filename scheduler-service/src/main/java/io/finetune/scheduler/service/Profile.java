package io.finetune.scheduler.service;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a job is for, chosen at submission: it names the lane (resource class) whose trainer slots
 * the job uses, and gives the default priority class.
 */
public enum Profile {
    /** Small experiments on the small-GPU lane, ahead of production work by default. */
    INTERACTIVE(PriorityClass.INTERACTIVE),
    /** Full runs on the full-GPU lane. */
    PRODUCTION(PriorityClass.PRODUCTION);

    public static final Profile DEFAULT = PRODUCTION;

    private final PriorityClass defaultPriority;

    Profile(PriorityClass defaultPriority) {
        this.defaultPriority = defaultPriority;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The lane is named like the profile (the chart's {@code trainers.lanes.<profile>}). */
    public String lane() {
        return wireName();
    }

    public PriorityClass defaultPriority() {
        return defaultPriority;
    }

    public static Optional<Profile> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(value)).findFirst();
    }
}
