package io.finetune.dataset.service;

import java.io.IOException;

/** The file cannot be read on from this line on (bad encoding, unclosed quote, runaway line). */
class RecordFormatException extends IOException {

    private final long line;

    RecordFormatException(long line, String message) {
        super(message);
        this.line = line;
    }

    long line() {
        return line;
    }
}
