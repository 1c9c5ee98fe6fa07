package io.finetune.serving.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far the consumer has read {@code models.events} compared with where the topic ended at
 * start-up: caught up, every version registered before this process started is known.
 */
@ApplicationScoped
public class ReplayTracker {

    private volatile Map<Integer, Long> endOffsetsAtStart;
    private final Map<Integer, Long> next = new ConcurrentHashMap<>();

    /**
     * @param endOffsets partition to the offset of its next record when the service started, for the
     *        partitions that held records then
     */
    void startedAt(Map<Integer, Long> endOffsets) {
        this.endOffsetsAtStart = Map.copyOf(endOffsets);
    }

    void consumed(int partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
    }

    public boolean caughtUp() {
        Map<Integer, Long> ends = endOffsetsAtStart;
        return ends != null && ends.entrySet().stream()
                .allMatch(e -> next.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }
}
