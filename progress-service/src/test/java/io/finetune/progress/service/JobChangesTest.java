package io.finetune.progress.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobChangesTest {

    @Test
    void notificationsThatArriveTogetherAreOneChangePerOwnerWithEveryJobAndEpoch() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        List<JobChanges> merged = JobChanges.coalesce(List.of(
                new JobChanges("alice", Map.of(a, Set.of(1))),
                new JobChanges("bob", Map.of(c, Set.of())),
                new JobChanges("alice", Map.of(a, Set.of(2, 3), b, Set.of()))));

        assertEquals(List.of(
                new JobChanges("alice", Map.of(a, Set.of(1, 2, 3), b, Set.of())),
                new JobChanges("bob", Map.of(c, Set.of()))), merged);
    }

    @Test
    void nothingArrivedIsNothingToSend() {
        assertEquals(List.of(), JobChanges.coalesce(List.of()));
    }
}
