package io.finetune.dataset.service;

import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import jakarta.ws.rs.core.Response.Status;
import java.util.List;

/**
 * How a file of a declared size is uploaded: one presigned PUT, or a multipart upload of
 * {@code partCount} parts of {@code partSize} bytes (the last one smaller).
 */
public record UploadPlan(boolean multipart, Long partSize, Integer partCount) {

    public static final String SINGLE = "single";
    public static final String MULTIPART = "multipart";
    /** S3's limit for one PUT. */
    static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    /** S3's limits for the parts of one upload. */
    static final int MAX_S3_PARTS = 10_000;
    private static final long MIB = 1024 * 1024;

    /**
     * @param size the declared size, or null when unknown (then a single PUT unless multipart is asked for)
     * @param mode {@link #SINGLE}, {@link #MULTIPART}, or null to choose: multipart when the file is larger than one part
     */
    static UploadPlan of(Long size, String mode, long maxBytes, long basePartSize, int maxParts) {
        if (size != null && size < 1) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                    List.of(new Problem.FieldError("size", "must be the file's size in bytes, at least 1")));
        }
        if (size != null && size > maxBytes) {
            throw new ProblemException(Status.REQUEST_ENTITY_TOO_LARGE, "The file is " + size
                    + " bytes; datasets can be at most " + maxBytes + " bytes",
                    List.of(new Problem.FieldError("size", "must be at most " + maxBytes)));
        }
        long partSize = basePartSize;
        if (size != null) {
            // round up to whole MiB so that the plan is easy to read; grows only past maxParts parts
            long needed = (size + maxParts - 1) / maxParts;
            partSize = Math.max(basePartSize, (needed + MIB - 1) / MIB * MIB);
        }
        boolean multipart = mode == null ? size != null && size > partSize : MULTIPART.equals(mode);
        if (!multipart) {
            if (size != null && size > MAX_SINGLE_PUT) {
                throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The request has invalid fields",
                        List.of(new Problem.FieldError("upload", "a single PUT takes at most " + MAX_SINGLE_PUT
                                + " bytes; use \"multipart\" for this file")));
            }
            return new UploadPlan(false, null, null);
        }
        return new UploadPlan(true, partSize, size == null ? null : (int) ((size + partSize - 1) / partSize));
    }

    /** The highest part number a client may upload. */
    int lastPartNumber() {
        return partCount != null ? partCount : MAX_S3_PARTS;
    }
}
