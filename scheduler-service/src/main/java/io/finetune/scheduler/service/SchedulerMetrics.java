package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.config.SchedulerConfig;
import io.finetune.scheduler.entity.Job;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The scheduler's Prometheus metrics (docs/metrics.md). Every labelled series of every lane is
 * registered at start-up with 0, so alerts and dashboards see them before the first job. Counters and
 * the queue wait are recorded when the transition's transaction commits; the job and lag gauges are
 * refreshed every {@code scheduler.metrics-tick}, so a scrape never queries the database or broker.
 */
@Startup
@ApplicationScoped
public class SchedulerMetrics {

    public static final String CAUSE_USER_DATA = "user_data";
    public static final String CAUSE_INFRASTRUCTURE = "infrastructure";
    public static final String CAUSE_OUT_OF_MEMORY = "out_of_memory";
    public static final String CAUSE_HEARTBEAT_LOST = "heartbeat_lost";
    /** The registered base model the job names is missing from the store or no longer matches its SHA-256. */
    public static final String CAUSE_BASE_MODEL = "base_model";
    public static final String CAUSE_NONE = "none";

    private static final Logger LOG = Logger.getLogger(SchedulerMetrics.class);
    private static final List<JobStatus> GAUGED = List.of(JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING);
    private static final List<String> FAILURE_CAUSES = List.of(CAUSE_USER_DATA, CAUSE_INFRASTRUCTURE,
            CAUSE_OUT_OF_MEMORY, CAUSE_BASE_MODEL, CAUSE_HEARTBEAT_LOST, CAUSE_NONE);
    private static final long TIMEOUT_SECONDS = 10;

    private final MeterRegistry registry;
    private final SchedulerConfig config;
    private final Clock clock;
    private final TransactionSynchronizationRegistry transactions;
    private final String bootstrapServers;
    private final Map<String, AtomicLong> jobs = new HashMap<>();
    private final Map<String, AtomicLong> oldestRunningMillis = new HashMap<>();
    private final Map<String, AtomicLong> dispatchLag = new HashMap<>();
    private final Map<String, Timer> queueWait = new HashMap<>();
    private final Map<String, Counter> started = new HashMap<>();
    private final Map<String, Counter> finished = new HashMap<>();
    private Admin admin;

    SchedulerMetrics(MeterRegistry registry, SchedulerConfig config, Clock clock,
            TransactionSynchronizationRegistry transactions,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.registry = registry;
        this.config = config;
        this.clock = clock;
        this.transactions = transactions;
        this.bootstrapServers = bootstrapServers;
        config.lanes().forEach((lane, settings) -> register(lane, settings.slots()));
    }

    private void register(String lane, int slots) {
        for (JobStatus state : GAUGED) {
            jobs.put(key(state.wireName(), lane), gauge("finetune.jobs", new AtomicLong(), "state", state.wireName(),
                    "lane", lane));
        }
        Gauge.builder("finetune.slots", () -> slots).tag("lane", lane).register(registry);
        dispatchLag.put(lane, gauge("finetune.dispatch.lag", new AtomicLong(), "lane", lane));
        AtomicLong oldest = new AtomicLong();
        Gauge.builder("finetune.job.oldest.running", oldest, millis -> millis.get() / 1000.0).tag("lane", lane)
                .baseUnit("seconds").register(registry);
        oldestRunningMillis.put(lane, oldest);
        queueWait.put(lane, Timer.builder("finetune.queue.wait").tag("lane", lane).publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofDays(3)).register(registry));
        started.put(lane, Counter.builder("finetune.jobs.started").tag("lane", lane).register(registry));
        for (JobStatus result : List.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED,
                JobStatus.TIMED_OUT)) {
            for (String cause : result == JobStatus.FAILED ? FAILURE_CAUSES : List.of(CAUSE_NONE)) {
                finished.put(key(lane, result.wireName(), cause), Counter.builder("finetune.jobs.finished")
                        .tags("lane", lane, "result", result.wireName(), "cause", cause).register(registry));
            }
        }
    }

    private AtomicLong gauge(String name, AtomicLong value, String... tags) {
        return registry.gauge(name, Tags.of(tags), value);
    }

    /** The failure cause a trainer's {@code errorKind} stands for. */
    public static String causeOf(String errorKind) {
        if (errorKind == null) {
            return CAUSE_NONE;
        }
        return switch (errorKind) {
            case TrainingEvent.USER_DATA -> CAUSE_USER_DATA;
            case TrainingEvent.INFRASTRUCTURE -> CAUSE_INFRASTRUCTURE;
            case TrainingEvent.OUT_OF_MEMORY -> CAUSE_OUT_OF_MEMORY;
            case TrainingEvent.BASE_MODEL -> CAUSE_BASE_MODEL;
            default -> CAUSE_NONE;
        };
    }

    /** The job leaves the queue for a slot: how long it waited since it was (last) queued. */
    void dispatched(Job job) {
        Duration waited = Duration.between(job.queuedAt, clock.now());
        Timer timer = queueWait.get(job.lane);
        afterCommit(() -> timer.record(waited));
    }

    /** The job entered {@code status}; {@code cause} says why when it failed. */
    void entered(Job job, JobStatus status, String cause) {
        if (status == JobStatus.RUNNING) {
            Counter counter = started.get(job.lane);
            afterCommit(counter::increment);
        } else if (status.isTerminal()) {
            Counter counter = finished.get(key(job.lane, status.wireName(),
                    status == JobStatus.FAILED ? cause : CAUSE_NONE));
            afterCommit(counter::increment);
        }
    }

    /** A rolled-back transition never happened: record only what commits. */
    private void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    @Scheduled(every = "${scheduler.metrics-tick}", identity = "metrics-tick",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void refresh() {
        refreshJobs();
        try {
            refreshDispatchLag();
        } catch (Exception e) {
            // the gauge keeps its last value; the broker's own alerts tell when it is down
            LOG.warnf("Could not read the dispatch lag: %s", e.toString());
        }
    }

    private void refreshJobs() {
        Instant now = clock.now();
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> Job.getEntityManager()
                .createQuery("select j.lane, j.status, count(j), min(j.startedAt) from Job j where j.status in :states"
                        + " group by j.lane, j.status", Object[].class)
                .setParameter("states", GAUGED)
                .getResultList());
        Map<String, Long> counts = new HashMap<>();
        Map<String, Long> oldest = new HashMap<>();
        for (Object[] row : rows) {
            String lane = (String) row[0];
            JobStatus state = (JobStatus) row[1];
            counts.put(key(state.wireName(), lane), (Long) row[2]);
            if (state == JobStatus.RUNNING && row[3] != null) {
                oldest.put(lane, Math.max(0, Duration.between((Instant) row[3], now).toMillis()));
            }
        }
        jobs.forEach((key, gauge) -> gauge.set(counts.getOrDefault(key, 0L)));
        oldestRunningMillis.forEach((lane, gauge) -> gauge.set(oldest.getOrDefault(lane, 0L)));
    }

    /** The trainers' group lag on each lane's dispatch topic, as KEDA computes it. */
    private void refreshDispatchLag() throws Exception {
        Admin admin = admin();
        Map<TopicPartition, OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets(config.dispatch().trainerGroup())
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, String> topics = config.lanes().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().topic()));
        Map<TopicPartition, OffsetSpec> partitions = admin.describeTopics(topics.values()).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        var ends = admin.listOffsets(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        topics.forEach((lane, topic) -> dispatchLag.get(lane).set(ends.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(e -> {
                    OffsetAndMetadata offset = committed.get(e.getKey());
                    return Math.max(0, e.getValue().offset() - (offset != null ? offset.offset() : 0));
                })
                .sum()));
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }

    private static String key(String... parts) {
        return String.join("/", parts);
    }
}
