package io.finetune.scheduler.service;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs a task on its own thread, one run at a time. Requests that arrive during a run are folded
 * into one more run after it, so a burst of commits costs one or two runs, not one each.
 */
final class SerialRunner {

    private static final Logger LOG = Logger.getLogger(SerialRunner.class);

    private final String name;
    private final Runnable task;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean requested = new AtomicBoolean();

    SerialRunner(String name, Runnable task) {
        this.name = name;
        this.task = task;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void request() {
        if (requested.compareAndSet(false, true)) {
            try {
                thread.execute(this::runOnce);
            } catch (RejectedExecutionException stopped) {
                // shutting down: whatever is left waits in the database for the next start
            }
        }
    }

    /** Also runs every {@code period}, for a period finer than quarkus-scheduler's one second. */
    void every(Duration period) {
        thread.scheduleWithFixedDelay(this::request, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        requested.set(false);
        try {
            task.run();
        } catch (RuntimeException e) {
            // the next request or tick tries again; the work is in the database, nothing is lost
            LOG.warnf(e, "%s run failed", name);
        }
    }

    /** Stops, letting a run in progress finish, so it does not outlive the database pool. */
    void stop() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
            thread.shutdownNow();
        }
    }
}
