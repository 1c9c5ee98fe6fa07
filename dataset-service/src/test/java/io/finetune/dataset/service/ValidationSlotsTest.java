package io.finetune.dataset.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ValidationSlotsTest {

    @Test
    void runsAtMostNAtOnceAndEveryOneInTheEnd() throws Exception {
        ValidationSlots slots = new ValidationSlots(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoIn = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(5);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                done.add(callers.submit(() -> slots.run(() -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    twoIn.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inside.decrementAndGet();
                    return n;
                })));
            }
            assertTrue(twoIn.await(10, TimeUnit.SECONDS), "two callers get a slot at once");
            Thread.sleep(300); // the other three are waiting, not running
            assertEquals(2, inside.get());
            release.countDown();
            for (int i = 0; i < 5; i++) {
                assertEquals(i, done.get(i).get(10, TimeUnit.SECONDS));
            }
            assertEquals(2, most.get());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aFailedValidationGivesItsSlotBack() {
        ValidationSlots slots = new ValidationSlots(1);
        try {
            slots.run(() -> {
                throw new IllegalStateException("store down");
            });
        } catch (IllegalStateException expected) {
            // the next one must still get the only slot
        }
        assertEquals("next", slots.run(() -> "next"));
    }
}
