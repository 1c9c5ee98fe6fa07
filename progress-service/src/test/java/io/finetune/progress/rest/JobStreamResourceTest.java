package io.finetune.progress.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.JobStatus;
import io.finetune.progress.TestEvents;
import io.finetune.progress.TestKafka;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SSE streams, read by a real HTTP client while events go through the real broker. */
@QuarkusTest
class JobStreamResourceTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    ObjectMapper json;

    @Inject
    DataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private TestKafka kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void connect() {
        kafka = new TestKafka(bootstrapServers, json, db);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void theOwnersStreamSendsEachChangeOfTheirJobsOnly() throws Exception {
        String owner = "user-" + UUID.randomUUID();
        TestEvents mine = TestEvents.forNewJob(owner, Instant.now());
        TestEvents theirs = TestEvents.forNewJob("user-" + UUID.randomUUID(), Instant.now());
        try (Sse stream = open("jobs/stream", owner)) {
            stream.awaitComment();
            kafka.publish(List.of(theirs.job(1, JobStatus.QUEUED, 0, null), mine.job(1, JobStatus.QUEUED, 0, null)));
            Map<String, Object> queued = stream.next("job");
            assertEquals(mine.jobId().toString(), queued.get("id"), "another owner's job must not reach the stream");
            assertEquals("queued", queued.get("status"));
            assertNotNull(queued.get("position"));

            kafka.publish(List.of(mine.job(2, JobStatus.DISPATCHED, 1, null), mine.started(2),
                    mine.job(3, JobStatus.RUNNING, 3, null), mine.epoch(3, 1, 10)));
            Map<String, Object> latest = stream.nextMatching("job", e -> Integer.valueOf(1).equals(e.get("epoch")));
            assertEquals("running", latest.get("status"));
            assertEquals(1.0, latest.get("trainLoss"));
            // a list item, exactly as GET /jobs shows it
            List<Map<String, Object>> list = json.readValue(given().header("X-Owner", owner).get("/jobs").asString(),
                    new TypeReference<>() {
                    });
            assertEquals(list.get(0), latest);
        }
    }

    @Test
    void aJobsStreamStartsWithItsStateAndSendsEpochs() throws Exception {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        kafka.publishAndAwait(List.of(job.job(1, JobStatus.QUEUED, 0, null)));
        try (Sse stream = open("jobs/" + job.jobId() + "/stream", owner)) {
            assertEquals("queued", stream.next("job").get("status"));
            kafka.publish(List.of(job.job(2, JobStatus.RUNNING, 2, null), job.epoch(3, 1, 10), job.epoch(4, 2, 20)));
            Map<String, Object> second = stream.nextMatching("epoch", e -> Integer.valueOf(2).equals(e.get("epoch")));
            assertEquals(0.6, second.get("validationLoss"));
            assertEquals(2000.0, second.get("samplesPerSecond"));
            Map<String, Object> state = stream.nextMatching("job", e -> Integer.valueOf(2).equals(e.get("epoch")));
            assertEquals("running", state.get("status"));
        }
    }

    @Test
    void streamsNeedTheOwnerAndTheirOwnJob() throws Exception {
        String owner = "user-" + UUID.randomUUID();
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        kafka.publishAndAwait(List.of(job.job(1, JobStatus.QUEUED, 0, null)));
        assertEquals(404, status("jobs/" + job.jobId() + "/stream", "user-" + UUID.randomUUID()));
        assertEquals(404, status("jobs/" + UUID.randomUUID() + "/stream", owner));
        assertEquals(401, status("jobs/stream", null));
    }

    private int status(String path, String owner) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (owner != null) {
            request.header("X-Owner", owner);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Sse open(String path, String owner) throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("X-Owner", owner).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        return new Sse(response.body(), json);
    }

    /** A minimal SSE reader: events (name, JSON data) and comments, from a background thread. */
    static final class Sse implements AutoCloseable {
        private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        private final Stream<String> lines;
        private final ObjectMapper json;

        Sse(Stream<String> lines, ObjectMapper json) {
            this.lines = lines;
            this.json = json;
            Thread reader = new Thread(() -> {
                String[] name = {"message"};
                StringBuilder data = new StringBuilder();
                try {
                    lines.forEach(line -> {
                        if (line.startsWith(":")) {
                            events.add(new String[] {":", line.substring(1).trim()});
                        } else if (line.startsWith("event:")) {
                            name[0] = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5).trim());
                        } else if (line.isEmpty() && data.length() > 0) {
                            events.add(new String[] {name[0], data.toString()});
                            name[0] = "message";
                            data.setLength(0);
                        }
                    });
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        void awaitComment() throws InterruptedException {
            while (true) {
                String[] e = events.poll(30, TimeUnit.SECONDS);
                assertNotNull(e, "no comment opened the stream");
                if (e[0].equals(":")) {
                    return;
                }
            }
        }

        Map<String, Object> next(String name) throws Exception {
            return nextMatching(name, e -> true);
        }

        Map<String, Object> nextMatching(String name, java.util.function.Predicate<Map<String, Object>> test)
                throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String[] e = events.poll(1, TimeUnit.SECONDS);
                if (e != null && e[0].equals(name)) {
                    Map<String, Object> data = json.readValue(e[1], new TypeReference<>() {
                    });
                    if (test.test(data)) {
                        return data;
                    }
                }
            }
            throw new AssertionError("no '" + name + "' event as expected within 60 s");
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}
