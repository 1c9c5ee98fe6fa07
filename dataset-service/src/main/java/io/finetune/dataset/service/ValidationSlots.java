package io.finetune.dataset.service;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * At most n validations within requests at once; the others wait their turn, in order of arrival. A
 * burst of completions (a hundred users uploading at once) would otherwise run a hundred validations
 * side by side and take every core from the rest of the platform. A plain fair semaphore: SmallRye
 * Fault Tolerance's {@code @Bulkhead} queues only asynchronous calls and turns synchronous ones away.
 */
final class ValidationSlots {

    private final Semaphore slots;

    ValidationSlots(int n) {
        this.slots = new Semaphore(n, true);
    }

    <T> T run(Supplier<T> work) {
        slots.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }
}
