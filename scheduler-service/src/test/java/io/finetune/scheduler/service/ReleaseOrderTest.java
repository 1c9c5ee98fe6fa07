package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReleaseOrderTest {

    private final ReleaseOrder order = new ReleaseOrder();
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    private ReleaseOrder.Candidate candidate(String name, long rows, int epochs, Instant queuedAt) {
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.name = name;
        job.epochs = epochs;
        job.queuedAt = queuedAt;
        Dataset dataset = new Dataset();
        dataset.rows = rows;
        return new ReleaseOrder.Candidate(job, dataset);
    }

    @Test
    void releasesTheSmallestEstimatedJobsFirst() {
        var big = candidate("big", 1_000, 10, t0);
        var small = candidate("small", 100, 5, t0.plusSeconds(9));
        var medium = candidate("medium", 2_000, 1, t0.plusSeconds(5));

        assertThat(order.pick(List.of(big, small, medium), 2)).containsExactly(small, medium);
    }

    @Test
    void theEarlierQueuedGoesFirstAmongEqualCosts() {
        var later = candidate("later", 100, 2, t0.plusSeconds(1));
        var earlier = candidate("earlier", 200, 1, t0);

        assertThat(order.pick(List.of(later, earlier), 1)).containsExactly(earlier);
    }

    @Test
    void releasesNothingWithoutFreeSlots() {
        assertThat(order.pick(List.of(candidate("a", 1, 1, t0)), 0)).isEmpty();
    }
}
