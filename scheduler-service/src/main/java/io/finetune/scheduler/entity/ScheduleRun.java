package io.finetune.scheduler.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One fire of a schedule, keyed by (schedule, fire time): firing the same time twice (two
 * replicas, a restart) finds the row and creates nothing. It tracks the fire's job across retries.
 */
@Entity
@Table(name = "schedule_run")
@IdClass(ScheduleRun.Key.class)
public class ScheduleRun extends PanacheEntityBase {

    /** A job is to be submitted at {@link #nextTryAt}. */
    public static final String PENDING = "pending";
    /** Its job {@link #jobId} is on its way. */
    public static final String SUBMITTED = "submitted";
    public static final String SUCCEEDED = "succeeded";
    /** Its last try failed and no retry is left. */
    public static final String FAILED = "failed";
    /** Its owner cancelled its job: not retried. */
    public static final String CANCELLED = "cancelled";

    @Id
    @Column(name = "schedule_id")
    public UUID scheduleId;
    @Id
    @Column(name = "fire_time")
    public Instant fireTime;
    public int attempt;
    public String status;
    @Column(name = "job_id")
    public UUID jobId;
    public String reason;
    @Column(name = "next_try_at")
    public Instant nextTryAt;
    @Column(name = "sla_missed_at")
    public Instant slaMissedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    public boolean isOpen() {
        return PENDING.equals(status) || SUBMITTED.equals(status);
    }

    /** The schedule's runs, newest fire first. */
    public static List<ScheduleRun> recent(UUID scheduleId, int limit) {
        return find("scheduleId = ?1 order by fireTime desc", scheduleId).page(0, limit).list();
    }

    /** The composite primary key (schedule, fire time). */
    public static class Key implements Serializable {
        public UUID scheduleId;
        public Instant fireTime;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(scheduleId, k.scheduleId) && Objects.equals(fireTime, k.fireTime);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scheduleId, fireTime);
        }
    }
}
