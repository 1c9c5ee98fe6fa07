package io.finetune.dataset.service;

import io.finetune.common.events.ValidationProblem;
import java.util.ArrayList;
import java.util.List;

/** The first {@value #MAX_PROBLEMS} problems found in a file, and a count of the rest. */
final class Problems {

    static final int MAX_PROBLEMS = 20;
    private static final int QUOTED_CHARS = 40;

    private final List<ValidationProblem> kept = new ArrayList<>();
    private long more;

    void add(Long line, String column, String message) {
        if (kept.size() < MAX_PROBLEMS) {
            kept.add(new ValidationProblem(line, column, message));
        } else {
            more++;
        }
    }

    boolean isEmpty() {
        return kept.isEmpty();
    }

    List<ValidationProblem> list() {
        List<ValidationProblem> all = new ArrayList<>(kept);
        if (more > 0) {
            all.add(new ValidationProblem(null, null, more + " more problem" + (more == 1 ? " was" : "s were")
                    + " found after these; fix the ones above and check the rest of the file the same way"));
        }
        return List.copyOf(all);
    }

    /** A value short enough to quote in a message. */
    static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= QUOTED_CHARS ? value : value.substring(0, QUOTED_CHARS) + "...";
    }
}
