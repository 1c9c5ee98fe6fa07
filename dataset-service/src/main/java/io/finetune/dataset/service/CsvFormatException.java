package io.finetune.dataset.service;

import java.io.IOException;

/** The file cannot be read on as CSV from this line on (bad encoding, unclosed quote, runaway row). */
class CsvFormatException extends IOException {

    private final long line;

    CsvFormatException(long line, String message) {
        super(message);
        this.line = line;
    }

    long line() {
        return line;
    }
}
