package io.finetune.scheduler.service;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs a task on its own thread, one run at a time. Requests that arrive during a run are folded
 * into one more run after it, so a burst of commits costs one or two runs, not one each.
 */
final class SerialRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SerialRunner.class);

    private final String name;
    private final Runnable task;
    private final ExecutorService thread;
    private final AtomicBoolean requested = new AtomicBoolean();

    SerialRunner(String name, Runnable task) {
        this.name = name;
        this.task = task;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void request() {
        if (requested.compareAndSet(false, true)) {
            thread.execute(this::runOnce);
        }
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

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
