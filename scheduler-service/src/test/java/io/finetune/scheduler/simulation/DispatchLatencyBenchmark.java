package io.finetune.scheduler.simulation;

import static org.awaitility.Awaitility.await;

import io.finetune.common.events.JobStatus;
import io.finetune.common.events.TrainingEvent;
import io.finetune.scheduler.entity.Dataset;
import io.finetune.scheduler.entity.Job;
import io.finetune.scheduler.service.JobService;
import io.finetune.scheduler.service.NewJob;
import io.finetune.scheduler.service.TrainingEventService;
import io.finetune.scheduler.support.TestData;
import io.finetune.scheduler.support.TestKafka;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Dispatch latency on the real broker and database (dev/bench-scheduler; not part of the test suite:
 * surefire does not pick up *Benchmark, and it asserts nothing). From "slot freed" (a trainer's
 * success for the job holding the interactive lane's only slot is handed to the service, which
 * commits it) to the next queued job's dispatch message read from the lane's topic by a consumer in
 * this JVM: the success's transaction, the dispatcher's, the outbox relay's and the broker's round
 * trip. Baseline in the same run: the broker alone, a record produced (acks=all) and consumed by the
 * same kind of clients. Figures go to stdout and target/dispatch-latency.txt.
 */
@QuarkusTest
class DispatchLatencyBenchmark {

    private static final int OWNERS = 10;
    private static final int JOBS_PER_OWNER = 20;
    private static final int WARM_UP = 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    JobService jobs;
    @Inject
    TrainingEventService trainingEvents;
    @Inject
    EntityManager em;

    @Test
    void measure() throws Exception {
        TestData.reset(em);
        String topic = TestKafka.dispatchTopic("interactive");
        Map<String, Long> received = new ConcurrentHashMap<>();
        long[] dispatch;
        // reading from before the first submission: the first release happens at once
        try (Reader reader = new Reader(topic, received)) {
            List<UUID> queued = fillQueue();
            dispatch = new long[queued.size() - 1];
            int measured = 0;
            for (int i = 0; i < queued.size() - 1; i++) {
                Job holder = awaitHolder(queued, received);
                TrainingEvent succeeded = TestData.training(TrainingEvent.SUCCEEDED, holder, holder.attempt, 5, null);
                int before = received.size();
                long freed = System.nanoTime();
                trainingEvents.onTrainingEvent(succeeded);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> received.size() > before);
                long next = received.entrySet().stream().filter(e -> !e.getKey().equals(holder.id.toString()))
                        .mapToLong(Map.Entry::getValue).max().orElseThrow();
                if (i >= WARM_UP) {
                    dispatch[measured++] = next - freed;
                }
            }
            dispatch = Arrays.copyOf(dispatch, measured);
        }
        long[] broker = brokerRoundTrips(dispatch.length + WARM_UP);

        String report = String.format("dispatch latency on the real broker (%s), %d releases after %d warm-up%n"
                        + "%-52s %10s %10s %10s %10s%n%s%n%s%n%-52s %32.2f  goal: p99 < 100 ms%n",
                TestKafka.bootstrapServers(), dispatch.length, WARM_UP,
                "figure (ms)", "p50", "p99", "max", "mean",
                row("broker alone: produce (acks=all) -> consume", broker),
                row("scheduler: slot freed -> dispatch consumed", dispatch),
                "ratio of p99s (scheduler / broker)", percentile(dispatch, 0.99) / percentile(broker, 0.99));
        System.out.println(report);
        Files.writeString(Path.of("target", "dispatch-latency.txt"), report);
    }

    /** {@code OWNERS} x {@code JOBS_PER_OWNER} interactive jobs, each on a validated dataset; the first is released at once. */
    private List<UUID> fillQueue() {
        List<UUID> queued = new ArrayList<>();
        for (int o = 0; o < OWNERS; o++) {
            String owner = TestData.randomOwner();
            UUID dataset = UUID.randomUUID();
            TestData.publishDataset(TestData.validated(dataset, owner, 1000));
            await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                    () -> Dataset.findById(dataset) != null));
            for (int j = 0; j < JOBS_PER_OWNER; j++) {
                queued.add(jobs.submit(owner, new NewJob("latency-" + j, dataset, null, 1, Map.of("seed", j + 1),
                        "interactive", null, null, true)).id());
            }
        }
        return queued;
    }

    /** The job holding the slot (released, so its dispatch was read), with the attempt it was dispatched for. */
    private static Job awaitHolder(List<UUID> queued, Map<String, Long> received) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> Job.count("id in ?1 and status = ?2", queued, JobStatus.DISPATCHED) == 1));
        Job holder = QuarkusTransaction.requiringNew().call(() -> Job.<Job>find("id in ?1 and status = ?2", queued,
                JobStatus.DISPATCHED).singleResult());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> received.containsKey(holder.id.toString()));
        return holder;
    }

    /** The broker alone: one record at a time, produced and read back by the same kind of clients. */
    private static long[] brokerRoundTrips(int count) throws Exception {
        String topic = "dispatch-latency-baseline-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Map<String, Long> received = new ConcurrentHashMap<>();
            long[] latencies = new long[count - WARM_UP];
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (Reader reader = new Reader(topic, received);
                    KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                for (int i = 0; i < count; i++) {
                    String key = UUID.randomUUID().toString();
                    long sent = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, key, "{\"i\":" + i + "}"));
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> received.containsKey(key));
                    if (i >= WARM_UP) {
                        latencies[i - WARM_UP] = received.get(key) - sent;
                    }
                }
            } finally {
                admin.deleteTopics(List.of(topic));
            }
            return latencies;
        }
    }

    private static String row(String name, long[] nanos) {
        return String.format("%-52s %10.2f %10.2f %10.2f %10.2f", name, percentile(nanos, 0.50),
                percentile(nanos, 0.99), Arrays.stream(nanos).max().orElse(0) / 1e6,
                Arrays.stream(nanos).average().orElse(0) / 1e6);
    }

    /** In milliseconds, nearest rank. */
    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(rank, sorted.length - 1))] / 1e6;
    }

    /** Reads a topic from its end on a thread of its own, noting when each key arrived (System.nanoTime). */
    private static final class Reader implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Reader(String topic, Map<String, Long> received) throws InterruptedException {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            AtomicBoolean ready = new AtomicBoolean();
            thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        ready.set(true);
                        consumer.poll(Duration.ofMillis(100)).forEach(r -> received.putIfAbsent(r.key(), System.nanoTime()));
                    }
                }
            }, "latency-reader");
            thread.start();
            await().atMost(WAIT).until(ready::get);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }
}
