package io.finetune.progress.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import io.finetune.progress.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The projection folds a batch per job before writing: a whole job's stream, shuffled and
 * duplicated, in one batch gives the view that one event per transaction in order gives.
 */
@QuarkusTest
class ProjectionBatchTest {

    @Inject
    JobProjection projection;
    @Inject
    JobViewService jobs;
    @Inject
    ObjectMapper json;

    @Test
    void oneShuffledDuplicatedBatchGivesTheInOrderView() {
        String owner = "user-" + UUID.randomUUID();
        Instant t0 = Instant.now().minusSeconds(600);
        UUID dataset = UUID.randomUUID();
        TestEvents inOrder = new TestEvents(UUID.randomUUID(), owner, "folded", dataset, t0);
        TestEvents batched = new TestEvents(UUID.randomUUID(), owner, "folded", dataset, t0);

        stream(inOrder).forEach(e -> projection.apply(List.of(e)));
        for (long seed = 1; seed <= 3; seed++) {
            List<PlatformEvent> events = new ArrayList<>(stream(batched));
            events.addAll(stream(batched).subList(0, 9));
            Collections.shuffle(events, new Random(seed));
            // replay: no event-id check, so the duplicates reach the fold as well
            projection.replay(events);
            assertEquals(view(owner, inOrder.jobId()), view(owner, batched.jobId()), "seed " + seed);
        }
        assertNotNull(view(owner, batched.jobId()).get("modelUri"));
    }

    /** Two attempts: the first fails after epoch 2, the second resumes at epoch 3 and succeeds; then a late epoch. */
    private static List<PlatformEvent> stream(TestEvents job) {
        return List.of(
                job.job(1, JobStatus.QUEUED, 0, null),
                job.job(2, JobStatus.DISPATCHED, 1, null),
                job.started(1, 1, 2),
                job.job(3, JobStatus.RUNNING, 3, null),
                job.epoch(1, 2, 1, 10),
                job.epoch(1, 3, 2, 20),
                job.failed(1, 4, 25, TrainingEvent.INFRASTRUCTURE),
                job.job(4, JobStatus.QUEUED, 26, "retry", 2),
                job.job(5, JobStatus.DISPATCHED, 27, null, 2),
                job.started(2, 1, 28),
                job.job(6, JobStatus.RUNNING, 29, null, 2),
                job.epoch(2, 2, 3, 40),
                job.succeeded(2, 3, 41),
                job.job(7, JobStatus.SUCCEEDED, 42, null, 2),
                job.epoch(1, 5, 3, 50));
    }

    /** The job's detail as JSON, without its id. */
    private Map<String, Object> view(String owner, UUID id) {
        Map<String, Object> view = json.convertValue(jobs.get(owner, id), new TypeReference<>() {
        });
        view.remove("id");
        view.put("modelUri", view.get("modelUri") == null ? null
                : ((String) view.get("modelUri")).replace(id.toString(), "<job>"));
        return view;
    }
}
