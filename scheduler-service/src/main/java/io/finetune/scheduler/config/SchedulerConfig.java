package io.finetune.scheduler.config;

import io.finetune.common.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The scheduler's own settings ({@code scheduler.*}). */
@ConfigMapping(prefix = "scheduler")
public interface SchedulerConfig {

    /**
     * Resource classes by name ({@code interactive}, {@code production}): each has its own trainer
     * slots and dispatch topic; a job's {@code profile} names its lane.
     */
    Map<String, Lane> lanes();

    /**
     * An optional cap on the jobs dispatched or running across all lanes (the chart sets the sum of
     * the lanes' slots); without it each lane is limited by its own slots only.
     */
    Optional<Integer> slots();

    /** How often the dispatcher looks for free slots besides running after every change (read by @Scheduled). */
    @WithDefault("2s")
    String tick();

    /** How often the watchdog looks for silent, overlong and unconfirmed-cancel jobs (read by @Scheduled). */
    @WithDefault("10s")
    String watchdogTick();

    /** How often the job and dispatch-lag gauges are read from the database and broker (read by @Scheduled). */
    @WithDefault("5s")
    String metricsTick();

    /** A running job whose trainer sends no event for this long is requeued (or failed after the last attempt). */
    @WithDefault("2m")
    Duration heartbeatTimeout();

    /**
     * A dispatched job whose trainer has not reported within this is requeued like a silent one (a
     * trainer that took the dispatch and died before starting); long enough for a GPU pod to start.
     */
    @WithDefault("15m")
    Duration startTimeout();

    /** Attempts a job gets when its trainer is lost or fails for infrastructure reasons. */
    @WithDefault("3")
    int maxAttempts();

    /** A job running longer than this is stopped and marked {@code timed_out}. */
    @WithDefault("P3D")
    Duration maxRunTime();

    /** How long a cancel command may go unconfirmed by the trainer before the job is marked cancelled anyway. */
    @WithDefault("2m")
    Duration cancelTimeout();

    Policy policy();

    Preemption preemption();

    Dispatch dispatch();

    Outbox outbox();

    interface Lane {

        /** The topic this lane's trainers consume; KEDA watches its consumer-group lag. */
        String topic();

        /** Trainer slots: how many of the lane's jobs may be dispatched or running at once. */
        int slots();

        /** Partitions of the topic when the scheduler creates it: at least the lane's most trainer pods. */
        @WithDefault("4")
        int partitions();
    }

    /** The ordering policy's parameters (docs/scheduling.md). */
    interface Policy {

        /**
         * The aging horizon: the largest head start a small job gets over a large one. A queued job is
         * never overtaken in its class by a job queued more than this (plus the fair-share steps) later.
         */
        @WithDefault("12h")
        Duration agingHorizon();

        /** The estimated cost (rows x epochs x recipe factor) that gets half the aging horizon as handicap. */
        @WithDefault("50000000")
        double halfCost();

        /** Handicap per job the owner already has dispatched or running: fewer running goes first. */
        @WithDefault("10m")
        Duration fairShareStep();

        /** Jobs an owner may have dispatched or running at once; more stay queued (held) until one ends. */
        @WithDefault("2")
        int maxRunningPerUser();

        /** Jobs an owner may have validating or queued; a submission beyond answers 429. */
        @WithDefault("20")
        int maxQueuedPerUser();
    }

    /**
     * An interactive-class job that waits while every slot of its lane runs lower-class work gets a
     * slot by preempting the lowest-priority running job, which checkpoints, stops and is requeued.
     */
    interface Preemption {

        @WithDefault("true")
        boolean enabled();

        /** How long the interactive job waits before a running job is preempted for it. */
        @WithDefault("5m")
        Duration after();

        /** A job that has run for less than this is never preempted, so no job is preempted over and over. */
        @WithDefault("15m")
        Duration minRunTime();
    }

    interface Dispatch {

        /** The trainers' consumer group, whose offsets the scheduler seeds on every lane's topic. */
        @WithDefault(Topics.TRAINERS_GROUP)
        String trainerGroup();
    }

    interface Outbox {

        /** How often the relay looks for unsent messages besides running after every commit. */
        @WithDefault("200ms")
        Duration tick();

        /** Messages published per relay transaction. */
        @WithDefault("100")
        int batchSize();
    }
}
