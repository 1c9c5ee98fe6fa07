package io.finetune.dataset.rest;

import static io.finetune.dataset.support.Api.OWNER;
import static io.finetune.dataset.support.ImportFiles.csv;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.finetune.dataset.support.Api;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /datasets} with {@code source.url}: a real HTTP server on loopback (%test allows http
 * and loopback sources) serves the files; the service streams them into the real store and
 * validates them like uploads. The %test limits: 20 MiB per file, 2 MiB validated within the request,
 * a 2 s read timeout.
 */
@QuarkusTest
class UrlImportTest {

    private static final int LIMIT = 20 * 1024 * 1024;
    private static HttpServer server;
    private static String base;
    private static final Map<String, AtomicInteger> HITS = new ConcurrentHashMap<>();
    private static final CountDownLatch LARGE_REST = new CountDownLatch(1);

    @Inject
    MinioClient minio;

    @BeforeAll
    static void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", UrlImportTest::answer);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        HITS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            switch (path) {
                case "/small.csv" -> {
                    byte[] bytes = csv(12);
                    exchange.sendResponseHeaders(200, bytes.length);
                    out.write(bytes);
                }
                case "/moved.csv" -> {
                    exchange.getResponseHeaders().add("Location", "/small.csv");
                    exchange.sendResponseHeaders(302, -1);
                }
                case "/large.csv" -> {
                    exchange.sendResponseHeaders(200, 0); // chunked: the size is not told
                    byte[] bytes = csv(200_000);
                    int half = bytes.length / 2;
                    out.write(bytes, 0, half);
                    out.flush();
                    // the rest only once the test has seen the dataset importing
                    LARGE_REST.await(30, TimeUnit.SECONDS);
                    out.write(bytes, half, bytes.length - half);
                }
                case "/declared-too-large.csv" -> exchange.sendResponseHeaders(200, LIMIT + 1L);
                case "/endless.csv" -> {
                    exchange.sendResponseHeaders(200, 0);
                    byte[] rows = csv(10_000);
                    for (long sent = 0; sent <= LIMIT; sent += rows.length) {
                        out.write(rows);
                    }
                }
                case "/stalls.csv" -> {
                    exchange.sendResponseHeaders(200, 0);
                    out.write(csv(100));
                    out.flush();
                    sleep(6_000); // three times the %test read timeout
                }
                default -> exchange.sendResponseHeaders(404, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the service hung up, as it should on a file over the limit or a stalled server
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ValidatableResponse importUrl(String owner, String name, String url) {
        return given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", name, "source", Map.of("url", url)))
                .when().post("/datasets").then();
    }

    private boolean stored(String key) throws Exception {
        try {
            minio.statObject(StatObjectArgs.builder().bucket("datasets").object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            return false;
        }
    }

    @Test
    void aSmallFileIsImportedAndValidatedWithinTheRequest() throws Exception {
        String owner = Api.newOwner();
        String name = Api.newName();
        byte[] bytes = csv(12);
        // a presigned URL's signature is in its query string: it must not be kept
        JsonPath created = importUrl(owner, name, base + "/small.csv?X-Amz-Signature=s3cr3t").statusCode(201)
                .body("status", equalTo("validated"))
                .body("rows", equalTo(12))
                .body("bytes", equalTo(bytes.length))
                .body("sha256", equalTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))))
                .body("source", equalTo(base + "/small.csv"))
                .extract().jsonPath();
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket("datasets")
                .object(created.getString("id") + "/data").build())) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
        assertFalse(Api.get(owner, created.getString("id")).extract().asString().contains("s3cr3t"));
    }

    @Test
    void aRedirectIsFollowed() {
        importUrl(Api.newOwner(), Api.newName(), base + "/moved.csv").statusCode(201)
                .body("status", equalTo("validated"))
                .body("rows", equalTo(12));
    }

    @Test
    void aFileOfUnknownSizeIsImportedBehindA202() {
        String owner = Api.newOwner();
        String id = importUrl(owner, Api.newName(), base + "/large.csv").statusCode(202)
                .header("Location", containsString("/datasets/"))
                .body("status", equalTo("importing"))
                .extract().path("id");
        Api.get(owner, id).statusCode(200).body("status", equalTo("importing"));
        Api.complete(owner, id).statusCode(409).body("detail", containsString("being imported"));
        LARGE_REST.countDown();

        JsonPath outcome = Api.awaitOutcome(owner, id);
        assertEquals("validated", outcome.getString("status"), outcome::prettify);
        assertEquals(200_000, outcome.getInt("rows"));
    }

    @Test
    void whatTheServerAnswersIsNamed() {
        importUrl(Api.newOwner(), Api.newName(), base + "/no/such/file.csv").statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("source.url"))
                .body("errors[0].message", containsString("HTTP 404"));
        importUrl(Api.newOwner(), Api.newName(), "http://127.0.0.1:1/closed.csv").statusCode(422)
                .body("errors.field", contains("source.url"))
                .body("errors[0].message", startsWith("could not be read"));
    }

    @Test
    void theSizeLimitHoldsOnTheDeclaredSizeAndOnTheBytes() throws Exception {
        importUrl(Api.newOwner(), Api.newName(), base + "/declared-too-large.csv").statusCode(413)
                .body("errors.field", contains("source.url"));

        String owner = Api.newOwner();
        String id = importUrl(owner, Api.newName(), base + "/endless.csv").statusCode(202).extract().path("id");
        JsonPath outcome = Api.awaitOutcome(owner, id);
        assertEquals("rejected", outcome.getString("status"), outcome::prettify);
        assertTrue(outcome.getString("problems[0].message").contains("more than the limit of " + LIMIT + " bytes"),
                outcome::prettify);
        assertFalse(stored(id + "/data"), "no partial object is left in the store");
    }

    @Test
    void aStalledServerIsGivenUpOn() {
        String owner = Api.newOwner();
        String id = importUrl(owner, Api.newName(), base + "/stalls.csv").statusCode(202).extract().path("id");
        JsonPath outcome = Api.awaitOutcome(owner, id);
        assertEquals("rejected", outcome.getString("status"), outcome::prettify);
        assertTrue(outcome.getString("problems[0].message").contains("sent nothing for too long"), outcome::prettify);
    }

    @Test
    void badSourcesAre422AndATakenNameIs409BeforeAnyRequest() {
        String owner = Api.newOwner();
        importUrl(owner, Api.newName(), "ftp://127.0.0.1/data.csv").statusCode(422)
                .body("errors.field", contains("source.url"))
                .body("errors[0].message", equalTo("must be an https URL"));
        importUrl(owner, Api.newName(), base.replace("http://", "http://user:pw@") + "/small.csv").statusCode(422)
                .body("errors[0].message", containsString("must not contain credentials"));
        given().header(OWNER, owner).contentType(ContentType.JSON)
                .body(Map.of("name", Api.newName(), "source", Map.of("url", base + "/small.csv",
                        "s3", Map.of("bucket", "b", "key", "k"))))
                .when().post("/datasets").then().statusCode(422)
                .body("errors.field", contains("source"));

        String name = Api.newName();
        importUrl(owner, name, base + "/small.csv").statusCode(201);
        int before = HITS.get("/small.csv").get();
        importUrl(owner, name, base + "/small.csv").statusCode(409);
        assertEquals(before, HITS.get("/small.csv").get(), "a taken name is refused before the URL is read");
    }
}
