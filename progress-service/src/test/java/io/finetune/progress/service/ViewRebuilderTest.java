package io.finetune.progress.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.PlatformEvent;
import io.finetune.common.events.TrainingEvent;
import io.finetune.progress.TestEvents;
import io.finetune.progress.TestKafka;
import io.finetune.progress.TestModels;
import io.finetune.progress.messaging.ViewRebuilder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A rebuild from the topics alone gives the rows the live consumer built, column for column. */
@QuarkusTest
class ViewRebuilderTest {

    @Inject
    ViewRebuilder rebuilder;

    @Inject
    ObjectMapper json;

    @Inject
    DataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void rebuildingFromTheTopicsGivesTheSameRows() {
        String owner = "user-" + UUID.randomUUID();
        TestEvents finished = TestEvents.forNewJob(owner, Instant.now());
        TestEvents retried = TestEvents.forNewJob(owner, Instant.now());
        List<PlatformEvent> events = new ArrayList<>(finished.happyPath());
        events.add(retried.job(1, JobStatus.QUEUED, 0, null));
        events.add(retried.job(2, JobStatus.RUNNING, 1, null));
        events.add(retried.epoch(1, 1, 1, 10));
        events.add(retried.epoch(1, 2, 2, 20));
        events.add(retried.failed(1, 3, 25, TrainingEvent.INFRASTRUCTURE));
        events.add(retried.job(3, JobStatus.QUEUED, 26, "retry", 2));
        events.add(retried.job(4, JobStatus.RUNNING, 27, null, 2));
        events.add(retried.epoch(2, 1, 2, 30));
        events.add(TestModels.version(owner, "rebuilt", 1, 0.9, finished.at(33), finished.jobId(), finished.name()));
        try (TestKafka kafka = new TestKafka(bootstrapServers, json, db)) {
            kafka.publishAndAwait(events);
        }
        Set<UUID> jobs = Set.of(finished.jobId(), retried.jobId());
        Map<String, List<Map<String, Object>>> live = rows(jobs);
        assertEquals(2, live.get("job_view").size());
        assertEquals(6, live.get("epoch_history").size(), "every attempt's report is kept");
        assertEquals(1, live.get("model_version_view").size());
        assertTrue(live.get("job_event").size() >= 8, "the jobs' histories: " + live.get("job_event").size());

        ViewRebuilder.Result result = rebuilder.rebuild(jobs).orElseThrow();

        assertTrue(result.events() >= events.size() - 1, "every event of the jobs replayed: " + result);
        assertEquals(live, rows(jobs));
    }

    private Map<String, List<Map<String, Object>>> rows(Set<UUID> jobs) {
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        tables.put("job_view", query("select * from job_view where id = any(?) order by id", jobs));
        tables.put("epoch_history", query("select * from epoch_history where job_id = any(?) order by job_id, attempt, epoch", jobs));
        tables.put("attempt_progress", query("select * from attempt_progress where job_id = any(?) order by job_id, attempt", jobs));
        tables.put("model_version_view", query("select * from model_version_view where job_id = any(?) order by job_id", jobs));
        tables.put("job_event", query("select * from job_event where job_id = any(?) order by job_id, event_id", jobs));
        return tables;
    }

    private List<Map<String, Object>> query(String sql, Set<UUID> jobs) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("uuid", jobs.toArray()));
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnName(i), String.valueOf(rs.getObject(i)));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
