package io.finetune.trainer.service;

import io.finetune.common.events.TrainingControl;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Hands each {@code training.control} command to the run it is meant for: the job and attempt
 * this worker is training. Commands for other jobs are remembered for a while, because a command
 * can arrive before the worker has taken the job's dispatch.
 */
@ApplicationScoped
public class ControlRegistry {

    private static final int REMEMBERED = 1000;

    private final Map<UUID, TrainingControl> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, TrainingControl> eldest) {
            return size() > REMEMBERED;
        }
    };
    private JobRun running;

    /** @return whether the command was meant for the job this worker runs */
    public synchronized boolean accept(TrainingControl control) {
        if (control.jobId() == null) {
            return false;
        }
        recent.put(control.jobId(), control);
        if (running != null && running.jobId().equals(control.jobId()) && running.attempt() == control.attempt()) {
            running.command(control);
            return true;
        }
        return false;
    }

    synchronized void register(JobRun run) {
        running = run;
        TrainingControl early = recent.get(run.jobId());
        if (early != null && early.attempt() == run.attempt()) {
            run.command(early);
        }
    }

    synchronized void unregister(JobRun run) {
        if (running == run) {
            running = null;
        }
    }
}
