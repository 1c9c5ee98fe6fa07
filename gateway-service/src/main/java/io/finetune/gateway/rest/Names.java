package io.finetune.gateway.rest;

import java.util.regex.Pattern;

/** The rule for the names of jobs and models (the model a job trains is named like a job). */
final class Names {

    static final String REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";
    static final String RULE = "must be 1 to 63 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final Pattern NAME = Pattern.compile(REGEX);

    private Names() {
    }

    static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
