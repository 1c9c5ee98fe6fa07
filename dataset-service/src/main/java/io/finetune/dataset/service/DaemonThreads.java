package io.finetune.dataset.service;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The service's own background work (validations, imports): daemon threads, so that they never hold up a shutdown. */
final class DaemonThreads {

    private DaemonThreads() {
    }

    static ExecutorService pool(int threads, String name) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
