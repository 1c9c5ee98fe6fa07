package io.finetune.trainer.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * A thread of its own that repeats one round of reading a topic with a plain {@link KafkaConsumer}
 * until stopped, and starts the round again after the broker could not be reached. What a round
 * does is the consumer's; stopping wakes the consumer of the round in progress out of its poll.
 */
final class PollingLoop {

    /** One round: connect, read, act. A broker error ends it and the next one starts after the backoff. */
    @FunctionalInterface
    interface Round {
        void run() throws ExecutionException, InterruptedException, TimeoutException;
    }

    private static final Logger LOG = Logger.getLogger(PollingLoop.class);

    private final String threadName;
    private final String topic;
    private final String bootstrapServers;
    private final Duration retryBackoff;
    private final Round round;

    private volatile boolean running;
    private volatile KafkaConsumer<String, String> polling;
    private Thread thread;

    PollingLoop(String threadName, String topic, String bootstrapServers, Duration retryBackoff, Round round) {
        this.threadName = threadName;
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.retryBackoff = retryBackoff;
        this.round = round;
    }

    void start() {
        running = true;
        thread = new Thread(this::loop, threadName);
        // A round still busy at shutdown (a job training) must not keep the JVM alive; the scheduler requeues the job
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the loop and waits up to {@code grace} for the round in progress; false if it still runs. */
    boolean stop(Duration grace) throws InterruptedException {
        if (thread == null) {
            return true;
        }
        running = false;
        KafkaConsumer<String, String> consumer = polling;
        if (consumer != null) {
            consumer.wakeup();
        }
        thread.join(grace.toMillis());
        return !thread.isAlive();
    }

    boolean running() {
        return running;
    }

    /**
     * Runs {@code body} with a new consumer, closed afterwards, that {@link #stop} wakes: a woken
     * body gives empty.
     */
    <T> Optional<T> poll(Properties consumerProperties, Function<KafkaConsumer<String, String>, Optional<T>> body) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties)) {
            polling = consumer;
            return body.apply(consumer);
        } catch (WakeupException e) {
            return Optional.empty();
        } finally {
            polling = null;
        }
    }

    private void loop() {
        while (running) {
            try {
                round.run();
            } catch (KafkaException | ExecutionException | TimeoutException e) {
                LOG.warnf("Kafka at %s is not usable for %s (%s); retrying in %s", bootstrapServers, topic, e,
                        retryBackoff);
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(retryBackoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
