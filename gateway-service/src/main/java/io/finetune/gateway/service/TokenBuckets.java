package io.finetune.gateway.service;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One token bucket per user. A request takes a token; tokens come back at {@code perSecond} up to
 * {@code burst}. Idle users' full buckets are dropped once the map grows, so memory follows the
 * number of recently active users, not of every user ever seen.
 */
public class TokenBuckets {

    /** Above this many buckets, full ones are swept (a full bucket is the same as no bucket). */
    static final int SWEEP_ABOVE = 10_000;
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** At most one sweep a second, so that many active users do not make every request walk the map. */
    private final AtomicLong lastSweep;

    public TokenBuckets(double perSecond, int burst, LongSupplier nanoTime) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs perSecond > 0 and burst >= 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.lastSweep = new AtomicLong(nanoTime.getAsLong() - SWEEP_EVERY_NANOS);
    }

    /** Zero when {@code user} may go on (a token is taken); otherwise the nanoseconds until a token is back. */
    public long tryTake(String user) {
        long now = nanoTime.getAsLong();
        long last = lastSweep.get();
        if (buckets.size() > SWEEP_ABOVE && now - last > SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        return buckets.computeIfAbsent(user, u -> new Bucket(burst, now)).take(now);
    }

    int size() {
        return buckets.size();
    }

    private final class Bucket {

        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * perNano);
            updated = now;
        }
    }
}
