package io.finetune.progress;

import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Realistic event streams of one job, as the scheduler and a trainer would publish them. */
public final class TestEvents {

    public static final Map<String, Object> HYPERPARAMETERS = Map.of(
            "learningRate", 0.01, "batchSize", 32, "hiddenUnits", 64, "validationSplit", 0.2, "seed", 42);

    private final UUID jobId;
    private final String owner;
    private final String name;
    private final UUID datasetId;
    private final Instant t0;
    private final String lane;

    public TestEvents(UUID jobId, String owner, String name, UUID datasetId, Instant t0) {
        this(jobId, owner, name, datasetId, t0, "production");
    }

    private TestEvents(UUID jobId, String owner, String name, UUID datasetId, Instant t0, String lane) {
        this.jobId = jobId;
        this.owner = owner;
        this.name = name;
        this.datasetId = datasetId;
        this.t0 = t0.truncatedTo(ChronoUnit.MILLIS);
        this.lane = lane;
    }

    public static TestEvents forNewJob(String owner, String name, String lane, Instant t0) {
        return new TestEvents(UUID.randomUUID(), owner, name, UUID.randomUUID(), t0, lane);
    }

    public static TestEvents forNewJob(String owner, Instant t0) {
        return new TestEvents(UUID.randomUUID(), owner, "job-" + UUID.randomUUID(), UUID.randomUUID(), t0);
    }

    public UUID jobId() {
        return jobId;
    }

    public Instant at(long seconds) {
        return t0.plusSeconds(seconds);
    }

    public String name() {
        return name;
    }

    public JobEvent job(long sequence, JobStatus status, long second, String reason) {
        return job(sequence, status, second, reason, 1);
    }

    public JobEvent job(long sequence, JobStatus status, long second, String reason, int attempt) {
        return new JobEvent(UUID.randomUUID(), JobEvent.typeFor(status), at(second), sequence, jobId, owner, name,
                status, reason, datasetId, "tabular-classification", 3, HYPERPARAMETERS, attempt, lane,
                "production");
    }

    public TrainingEvent started(long second) {
        return training(TrainingEvent.STARTED, 1, second, null, null);
    }

    public TrainingEvent heartbeat(long counter, long second) {
        return training(TrainingEvent.HEARTBEAT, counter, second, null, null);
    }

    /** Epoch {@code epoch} of attempt 1; its metrics improve with the epoch. */
    public TrainingEvent epoch(long counter, int epoch, long second) {
        return epoch(1, counter, epoch, second);
    }

    /** Epoch {@code epoch} of {@code attempt}; the validation loss names the attempt (attempt + epoch / 100). */
    public TrainingEvent epoch(int attempt, long counter, int epoch, long second) {
        return new TrainingEvent(UUID.randomUUID(), TrainingEvent.EPOCH_COMPLETED, at(second),
                TrainingEvent.sequenceBase(attempt) + counter, jobId, owner, attempt, "worker-1", "cpu", epoch, 3,
                1.0 / epoch, 0.5 + epoch / 10.0, attempt == 1 ? 1.2 / epoch : attempt + epoch / 100.0,
                0.45 + epoch / 10.0, 1000.0 * epoch, Duration.ofSeconds(second).toMillis(), null, null, null, null, null);
    }

    public TrainingEvent started(int attempt, long counter, long second) {
        return new TrainingEvent(UUID.randomUUID(), TrainingEvent.STARTED, at(second),
                TrainingEvent.sequenceBase(attempt) + counter, jobId, owner, attempt, "worker-1", "cpu", null, 3,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    public TrainingEvent failed(int attempt, long counter, long second, String errorKind) {
        return new TrainingEvent(UUID.randomUUID(), TrainingEvent.FAILED, at(second),
                TrainingEvent.sequenceBase(attempt) + counter, jobId, owner, attempt, "worker-1", "cpu", null, 3,
                null, null, null, null, null, null, null, null, "it broke", errorKind, null);
    }

    public TrainingEvent succeeded(int attempt, long counter, long second) {
        return new TrainingEvent(UUID.randomUUID(), TrainingEvent.SUCCEEDED, at(second),
                TrainingEvent.sequenceBase(attempt) + counter, jobId, owner, attempt, "worker-1", "cpu", null, 3,
                null, null, null, null, null, null, null, "s3://models/" + jobId + "/" + attempt, null, null, null);
    }

    public TrainingEvent succeeded(long counter, long second) {
        return training(TrainingEvent.SUCCEEDED, counter, second, "s3://models/" + jobId + "/1", null);
    }

    /** queued, dispatched, running, started, epochs 1..3 (with a heartbeat), succeeded, in publication order. */
    public List<PlatformEvent> happyPath() {
        List<PlatformEvent> events = new ArrayList<>();
        events.add(job(1, JobStatus.QUEUED, 0, null));
        events.add(job(2, JobStatus.DISPATCHED, 1, null));
        events.add(started(2));
        events.add(job(3, JobStatus.RUNNING, 3, null));
        events.add(heartbeat(2, 5));
        events.add(epoch(3, 1, 10));
        events.add(epoch(4, 2, 20));
        events.add(epoch(5, 3, 30));
        events.add(succeeded(6, 31));
        events.add(job(4, JobStatus.SUCCEEDED, 32, "finished 3 epochs"));
        return events;
    }

    private TrainingEvent training(String type, long counter, long second, String modelUri, String message) {
        return new TrainingEvent(UUID.randomUUID(), type, at(second), TrainingEvent.sequenceBase(1) + counter, jobId,
                owner, 1, "worker-1", "cpu", null, 3, null, null, null, null, null, null, null, modelUri, message, null, null);
    }
}
