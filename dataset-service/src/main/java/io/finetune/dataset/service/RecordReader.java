package io.finetune.dataset.service;

import java.io.IOException;
import java.util.List;

/** The records of a dataset file, one at a time, in constant memory. */
interface RecordReader {

    /**
     * A row whose problem the reader has already reported (e.g. a JSON line that is no object): it
     * counts as a row, its values are not checked.
     */
    Record REPORTED = new Record();

    /** The column names, read from the start of the file; null when the file holds no record at all. */
    List<String> header() throws IOException;

    /**
     * The next data row's values in header order, {@link #REPORTED}, or null at the end of the file.
     * The same {@link Record} comes back each time, refilled: it is valid until the next call.
     */
    Record next() throws IOException;

    /** The 1-based line the record last returned starts on. */
    long recordLine();
}
