package io.finetune.scheduler.entity;

import io.quarkus.hibernate.orm.panache.Panache;
import java.util.UUID;

/**
 * PostgreSQL advisory locks held until the end of the current transaction. They serialise work
 * across threads and across scheduler instances without a lock table.
 */
public final class Locks {

    private static final int DISPATCHER = 1;
    private static final int OUTBOX_RELAY = 2;
    private static final int DATASET = 3;
    private static final int IDEMPOTENCY_KEY = 4;
    private static final int OWNER = 5;
    private static final int MODEL = 6;

    private Locks() {
    }

    /** One dispatcher at a time, so two runs never give away the same free slot. */
    public static void dispatcher() {
        Panache.getEntityManager()
                .createNativeQuery("select 1 from pg_advisory_xact_lock(?1, 0)")
                .setParameter(1, DISPATCHER)
                .getSingleResult();
    }

    /** One relay at a time, so messages leave in the order they were written; false when another holds it. */
    public static boolean tryOutboxRelay() {
        return (Boolean) Panache.getEntityManager()
                .createNativeQuery("select pg_try_advisory_xact_lock(?1, 0)")
                .setParameter(1, OUTBOX_RELAY)
                .getSingleResult();
    }

    /**
     * Orders a job submission against the dataset event for the same dataset, so a job is never
     * left validating because its submission and the dataset's validation passed each other.
     */
    public static void dataset(UUID datasetId) {
        Panache.getEntityManager()
                .createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, DATASET)
                .setParameter(2, datasetId.toString())
                .getSingleResult();
    }

    /** Orders submissions with the same owner and Idempotency-Key: the second finds the first's job. */
    public static void idempotencyKey(String owner, String key) {
        Panache.getEntityManager()
                .createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, IDEMPOTENCY_KEY)
                .setParameter(2, owner + "\n" + key)
                .getSingleResult();
    }

    /** Orders an owner's submissions, so that concurrent ones cannot together exceed the queued quota. */
    public static void owner(String owner) {
        Panache.getEntityManager()
                .createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, OWNER)
                .setParameter(2, owner)
                .getSingleResult();
    }

    /** Orders the registrations of one model's versions, so concurrent successes get distinct numbers. */
    public static void model(String owner, String model) {
        Panache.getEntityManager()
                .createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, MODEL)
                .setParameter(2, owner + "\n" + model)
                .getSingleResult();
    }
}
