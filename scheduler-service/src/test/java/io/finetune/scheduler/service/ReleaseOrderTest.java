package io.finetune.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ordering policy alone: classes, shortest first, aging, fair share, the running quota. */
class ReleaseOrderTest {

    private static final long MINUTE = 60_000;
    private static final ReleaseOrder.Policy POLICY =
            new ReleaseOrder.Policy(Duration.ofHours(2), 1_000_000, Duration.ofMinutes(10), 2);
    private final ReleaseOrder order = new ReleaseOrder(POLICY);

    private static ReleaseOrder.Queued<String> job(String name, String owner, PriorityClass priority, double cost,
            long queuedAtMinute) {
        return new ReleaseOrder.Queued<>(name, name, owner, priority, cost, queuedAtMinute * MINUTE);
    }

    private List<String> pick(List<ReleaseOrder.Queued<String>> queued, Map<String, Integer> holding, int free) {
        return order.pick(queued, holding, free).stream().map(ReleaseOrder.Queued::job).toList();
    }

    @Test
    void releasesTheCheapestJobsFirstWithinAClass() {
        var queued = List.of(
                job("big", "a", PriorityClass.PRODUCTION, 5_000_000, 0),
                job("small", "b", PriorityClass.PRODUCTION, 1_000, 0),
                job("medium", "c", PriorityClass.PRODUCTION, 200_000, 0));
        assertThat(pick(queued, Map.of(), 2)).containsExactly("small", "medium");
        assertThat(pick(queued, Map.of(), 5)).containsExactly("small", "medium", "big");
    }

    @Test
    void aHigherClassGoesFirstWhateverItsCostAndAge() {
        var queued = List.of(
                job("old-cheap-batch", "a", PriorityClass.BATCH, 10, 0),
                job("production", "b", PriorityClass.PRODUCTION, 10_000_000, 500),
                job("interactive", "c", PriorityClass.INTERACTIVE, 50_000_000, 1_000));
        assertThat(pick(queued, Map.of(), 3)).containsExactly("interactive", "production", "old-cheap-batch");
    }

    @Test
    void theEarlierQueuedGoesFirstAmongEqualCosts() {
        var queued = List.of(job("later", "a", PriorityClass.PRODUCTION, 500, 5),
                job("earlier", "b", PriorityClass.PRODUCTION, 500, 1));
        assertThat(pick(queued, Map.of(), 1)).containsExactly("earlier");
    }

    @Test
    void aWaitingJobAgesAheadOfCheaperJobsThatCameMuchLater() {
        long bound = POLICY.agingBound().toMinutes();
        var big = job("big", "a", PriorityClass.PRODUCTION, 1e12, 0);
        // a cheap job queued shortly after still goes first ...
        assertThat(pick(List.of(big, job("soon", "b", PriorityClass.PRODUCTION, 1, 30)), Map.of(), 1))
                .containsExactly("soon");
        // ... but none queued more than the aging bound later, even from an owner holding no slot
        assertThat(pick(List.of(big, job("late", "b", PriorityClass.PRODUCTION, 1, bound + 1)), Map.of(), 1))
                .containsExactly("big");
    }

    @Test
    void amongComparableJobsTheOwnerWithFewerRunningJobsGoesFirst() {
        var queued = List.of(job("busy-owner", "busy", PriorityClass.PRODUCTION, 1_000, 0),
                job("idle-owner", "idle", PriorityClass.PRODUCTION, 1_000, 1));
        assertThat(pick(queued, Map.of("busy", 1), 1)).containsExactly("idle-owner");
        assertThat(pick(queued, Map.of(), 1)).containsExactly("busy-owner");
    }

    @Test
    void oneOwnersBurstDoesNotTakeEveryFreeSlot() {
        var queued = List.of(job("a1", "a", PriorityClass.PRODUCTION, 100, 0),
                job("a2", "a", PriorityClass.PRODUCTION, 100, 0),
                job("a3", "a", PriorityClass.PRODUCTION, 100, 0),
                job("b1", "b", PriorityClass.PRODUCTION, 100, 2));
        assertThat(pick(queued, Map.of(), 3)).containsExactly("a1", "b1", "a2");
    }

    @Test
    void anOwnerAtTheRunningQuotaIsHeld() {
        var queued = List.of(job("held", "full", PriorityClass.INTERACTIVE, 1, 0),
                job("other", "free", PriorityClass.BATCH, 1e9, 10));
        assertThat(pick(queued, Map.of("full", 2), 2)).containsExactly("other");
        assertThat(pick(List.of(job("held", "full", PriorityClass.PRODUCTION, 1, 0)), Map.of("full", 1), 2))
                .as("one more fits under the quota of 2, the next does not").containsExactly("held");
    }

    @Test
    void releasesNothingWithoutFreeSlots() {
        assertThat(pick(List.of(job("x", "a", PriorityClass.PRODUCTION, 1, 0)), Map.of(), 0)).isEmpty();
    }

    @Test
    void theEstimateGrowsWithRowsAndEpochs() {
        assertThat(ReleaseOrder.estimatedCost(1_000L, 5, "tabular-classification")).isEqualTo(5_000.0);
        assertThat(ReleaseOrder.estimatedCost(null, 5, "tabular-classification")).isZero();
    }
}
