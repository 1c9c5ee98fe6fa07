package io.finetune.progress.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobDetailTest {

    private static final JobSummary JOB = new JobSummary(UUID.randomUUID(), "job", "running", null, "recipe", null,
            "production", "production", null, null, null, null, 4, 4, null, null, null, null, null, null, null, null,
            "training", null, null);

    @Test
    void theBestEpochHasTheHighestValidationAccuracyTheEarliestOfEquals() {
        JobDetail detail = new JobDetail(JOB, Map.of(), List.of(epoch(1, 0.5), epoch(2, 0.9), epoch(3, 0.9), epoch(4, 0.8)));

        assertEquals(2, detail.best().epoch());
        assertEquals(0.9, detail.best().validationAccuracy());
    }

    @Test
    void noBestBeforeAnEpochReportedAValidationAccuracy() {
        assertNull(new JobDetail(JOB, Map.of(), List.of()).best());
        assertNull(new JobDetail(JOB, Map.of(), List.of(epoch(1, null))).best());
    }

    private static JobDetail.EpochEntry epoch(int epoch, Double validationAccuracy) {
        return new JobDetail.EpochEntry(epoch, 1, 0.1, 0.9, 0.2, validationAccuracy, 100.0, 1000L, Instant.now());
    }
}
