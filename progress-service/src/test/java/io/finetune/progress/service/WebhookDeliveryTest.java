package io.finetune.progress.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.finetune.common.events.JobEvent;
import io.finetune.common.events.JobStatus;
import io.finetune.common.events.Topics;
import io.finetune.progress.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end inside progress-service: job events published to the real broker, deliveries
 * POSTed to a real HTTP receiver on loopback that checks nothing itself but records every request,
 * so the test verifies each signature as a customer would (docs/webhooks.md).
 */
@QuarkusTest
class WebhookDeliveryTest {

    private static final Duration DELIVERED = Duration.ofSeconds(60);
    private static final Pattern SIGNATURE = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "progress.webhooks.max-attempts")
    int maxAttempts;

    private KafkaProducer<String, String> producer;
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Event ids the flaky endpoint has already failed once. */
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    record Received(String path, String signature, String eventHeader, String deliveryHeader, String body, int answered) {
    }

    @BeforeEach
    void start() throws IOException {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Fails the first attempt of every event with a 500, then accepts.
        receiver.createContext("/flaky", exchange -> answer(exchange, body -> failedOnce.add(eventId(body)) ? 500 : 204));
        receiver.createContext("/down", exchange -> answer(exchange, body -> 500));
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        producer.close();
    }

    @Test
    void terminalTransitionIsSignedRetriedAfterA500AndDeliveredOncePerEvent() throws Exception {
        String owner = "user-" + UUID.randomUUID();
        JsonNode created = json.readTree(given().header("X-Owner", owner).contentType(ContentType.JSON)
                .body(Map.of("url", url("/flaky")))
                .when().post("/webhooks")
                .then().statusCode(201).body("secret", startsWith("whsec_")).extract().asString());
        String webhook = created.get("id").asText();
        String secret = created.get("secret").asText();
        given().header("X-Owner", owner).when().get("/webhooks")
                .then().statusCode(200).body("id", hasItem(webhook)).body("[0].secret", nullValue());

        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        // A job that finished before the webhook existed is not announced (a replay of old events sends nothing).
        TestEvents earlier = TestEvents.forNewJob(owner, Instant.now().minus(Duration.ofHours(1)));
        JobEvent old = earlier.job(3, JobStatus.FAILED, 0, "earlier");
        JobEvent succeeded = job.job(3, JobStatus.SUCCEEDED, 30, "trained");
        // Keyed by the job: one partition, read in this order.
        publish(job.jobId(), old, job.job(1, JobStatus.QUEUED, 0, "queued"), job.job(2, JobStatus.RUNNING, 5, "running"),
                succeeded);

        await().atMost(DELIVERED).until(() -> accepted(succeeded.eventId()) == 1);
        List<Received> attempts = of(succeeded.eventId());
        assertEquals(List.of(500, 204), attempts.stream().map(Received::answered).toList(), "a 500, then the retry");
        for (Received r : attempts) {
            assertSigned(r, secret);
            assertEquals("job.succeeded", r.eventHeader());
        }
        JsonNode body = json.readTree(attempts.get(1).body());
        assertEquals("job.succeeded", body.get("type").asText());
        assertEquals(job.jobId().toString(), body.at("/job/id").asText());
        assertEquals(job.name(), body.at("/job/name").asText());
        assertEquals("succeeded", body.at("/job/status").asText());
        assertEquals(attempts.get(0).deliveryHeader(), attempts.get(1).deliveryHeader(), "one delivery, two attempts");

        // Replayed (a redelivery after a rebalance, a reset offset): no second delivery. A later event
        // of the same partition shows the replay has been read.
        TestEvents other = TestEvents.forNewJob(owner, Instant.now());
        JobEvent cancelled = other.job(2, JobStatus.CANCELLED, 1, "cancelled by the user");
        publish(job.jobId(), succeeded, cancelled);
        await().atMost(DELIVERED).until(() -> accepted(cancelled.eventId()) == 1);

        assertEquals(2, of(succeeded.eventId()).size(), "the replayed event is not sent again");
        assertEquals(0, of(old.eventId()).size(), "an event from before the webhook was registered");
        assertTrue(received.stream().allMatch(r -> Set.of(succeeded.eventId().toString(), cancelled.eventId().toString())
                .contains(eventId(r.body()))), "only terminal transitions are announced");

        given().header("X-Owner", owner).when().get("/webhooks/" + webhook + "/deliveries")
                .then().statusCode(200)
                .body("", hasSize(2))
                .body("[0].eventId", equalTo(cancelled.eventId().toString()))
                .body("[1].eventId", equalTo(succeeded.eventId().toString()))
                .body("[1].eventType", equalTo("job.succeeded"))
                .body("[1].jobId", equalTo(job.jobId().toString()))
                .body("[1].status", equalTo("delivered"))
                .body("[1].attempts", equalTo(2))
                .body("[1].lastStatus", equalTo(204))
                .body("[1].lastError", nullValue())
                .body("[1].deliveredAt", not(nullValue()));
    }

    @Test
    void deliveryThatKeepsFailingIsGivenUpAfterMaxAttempts() {
        String owner = "user-" + UUID.randomUUID();
        String webhook = given().header("X-Owner", owner).contentType(ContentType.JSON)
                .body(Map.of("url", url("/down"), "secret", "my-own-secret-of-32-characters!!"))
                .when().post("/webhooks")
                .then().statusCode(201).body("secret", nullValue()).extract().path("id");
        TestEvents job = TestEvents.forNewJob(owner, Instant.now());
        JobEvent timedOut = job.job(2, JobStatus.TIMED_OUT, 10, "ran past the 3-day limit");
        publish(job.jobId(), timedOut);

        await().atMost(DELIVERED).until(() -> "failed".equals(given().header("X-Owner", owner)
                .when().get("/webhooks/" + webhook + "/deliveries").then().extract().path("[0].status")));
        given().header("X-Owner", owner).when().get("/webhooks/" + webhook + "/deliveries")
                .then().body("[0].attempts", equalTo(maxAttempts))
                .body("[0].lastStatus", equalTo(500))
                .body("[0].lastError", equalTo("HTTP 500"))
                .body("[0].eventType", equalTo("job.timed-out"));
        assertEquals(maxAttempts, of(timedOut.eventId()).size());
        of(timedOut.eventId()).forEach(r -> assertSigned(r, "my-own-secret-of-32-characters!!"));
    }

    @Test
    void registrationChecksItsFieldsAndIsScopedByOwner() {
        String owner = "user-" + UUID.randomUUID();
        for (String bad : List.of("ftp://127.0.0.1/hook", "not a url", "https://user:pw@127.0.0.1/hook")) {
            given().header("X-Owner", owner).contentType(ContentType.JSON).body(Map.of("url", bad))
                    .when().post("/webhooks")
                    .then().statusCode(422).contentType("application/problem+json").body("errors[0].field", equalTo("url"));
        }
        given().header("X-Owner", owner).contentType(ContentType.JSON).body("{}")
                .when().post("/webhooks").then().statusCode(422).body("errors[0].field", equalTo("url"));
        given().header("X-Owner", owner).contentType(ContentType.JSON).body(Map.of("url", url("/flaky"), "secret", "short"))
                .when().post("/webhooks").then().statusCode(422).body("errors[0].field", equalTo("secret"));
        given().contentType(ContentType.JSON).body(Map.of("url", url("/flaky")))
                .when().post("/webhooks").then().statusCode(401);

        String webhook = given().header("X-Owner", owner).contentType(ContentType.JSON).body(Map.of("url", url("/flaky")))
                .when().post("/webhooks").then().statusCode(201).extract().path("id");
        String stranger = "user-" + UUID.randomUUID();
        given().header("X-Owner", stranger).when().get("/webhooks").then().statusCode(200).body("", hasSize(0));
        given().header("X-Owner", stranger).when().get("/webhooks/" + webhook).then().statusCode(404);
        given().header("X-Owner", stranger).when().get("/webhooks/" + webhook + "/deliveries").then().statusCode(404);
        given().header("X-Owner", stranger).when().delete("/webhooks/" + webhook).then().statusCode(404);
        given().header("X-Owner", owner).when().get("/webhooks/not-a-uuid").then().statusCode(404);

        given().header("X-Owner", owner).when().get("/webhooks/" + webhook)
                .then().statusCode(200).body("url", equalTo(url("/flaky"))).body("secret", nullValue());
        given().header("X-Owner", owner).when().delete("/webhooks/" + webhook).then().statusCode(204);
        given().header("X-Owner", owner).when().get("/webhooks").then().body("", hasSize(0));
    }

    private void assertSigned(Received r, String secret) {
        Matcher m = SIGNATURE.matcher(r.signature());
        assertTrue(m.matches(), "signature header " + r.signature());
        assertEquals(WebhookSignature.hmac(secret, m.group(1) + "." + r.body()), m.group(2), "HMAC of t.body");
        long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(m.group(1)));
        assertTrue(age < 600, "the timestamp is the attempt's time, not the event's");
    }

    private void publish(UUID key, JobEvent... events) {
        try {
            for (JobEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.JOBS_EVENTS, key.toString(), json.writeValueAsString(e))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long accepted(UUID eventId) {
        return of(eventId).stream().filter(r -> r.answered() / 100 == 2).count();
    }

    private List<Received> of(UUID eventId) {
        return received.stream().filter(r -> eventId.toString().equals(eventId(r.body()))).toList();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private String eventId(String body) {
        try {
            return json.readTree(body).path("id").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private void answer(HttpExchange exchange, java.util.function.ToIntFunction<String> status) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int code = status.applyAsInt(body);
        received.add(new Received(exchange.getHttpContext().getPath(),
                exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                exchange.getRequestHeaders().getFirst(WebhookDispatcher.EVENT_HEADER),
                exchange.getRequestHeaders().getFirst(WebhookDispatcher.DELIVERY_HEADER), body, code));
        exchange.sendResponseHeaders(code, -1);
        exchange.close();
    }
}
