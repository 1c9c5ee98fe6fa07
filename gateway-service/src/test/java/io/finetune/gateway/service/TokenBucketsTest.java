package io.finetune.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void burstThenSustainedRatePerUser() {
        TokenBuckets buckets = new TokenBuckets(2, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, buckets.tryTake("alice"));
        }
        long wait = buckets.tryTake("alice");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), wait, 1, "one token comes back every 1/2 s");
        assertEquals(0, buckets.tryTake("bob"), "another user has a bucket of their own");

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(0, buckets.tryTake("alice"));
        assertTrue(buckets.tryTake("alice") > 0);

        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, buckets.tryTake("alice"), "refilled up to the burst, not beyond");
        }
        assertTrue(buckets.tryTake("alice") > 0);
    }

    @Test
    void fullBucketsOfIdleUsersAreSwept() {
        TokenBuckets buckets = new TokenBuckets(1, 1, now::get);
        for (int i = 0; i <= TokenBuckets.SWEEP_ABOVE; i++) {
            buckets.tryTake("user-" + i);
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        buckets.tryTake("late");
        assertEquals(1, buckets.size(), "only the user who just took a token is left");
    }
}
