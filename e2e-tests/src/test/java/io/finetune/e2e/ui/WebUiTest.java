package io.finetune.e2e.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.finetune.e2e.Platform;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import io.finetune.e2e.Csv;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium against the five packaged services: a new user creates a
 * job with an upload and watches it train to the end on the list screen without reloading, is told
 * when a job name is taken, and sees a bad dataset's problems with their line numbers. A notification
 * tells that the job finished while the page is open, and a webhook added on the webhooks screen gets
 * the signed POST (a receiver on loopback) that its delivery log then shows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiTest {

    private static final String USER = "ui-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String JOB = "ui-job-" + UUID.randomUUID().toString().substring(0, 6);

    private static Platform platform;
    private static Browser browser;
    /** A webhook receiver on loopback: the signature header and body of every POST. */
    private static HttpServer receiver;
    private static final List<String[]> received = new CopyOnWriteArrayList<>();
    private static String webhookSecret;
    @TempDir
    static Path files;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String[] {exchange.getRequestHeaders().getFirst("X-Finetune-Signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        // A file to import by URL (Platform's dataset-service allows loopback sources, as dev/up does).
        byte[] exported = Csv.blobs(40, 3, 2, 17).getBytes(StandardCharsets.UTF_8);
        receiver.createContext("/exports/imported.csv", exchange -> {
            exchange.sendResponseHeaders(200, exported.length);
            exchange.getResponseBody().write(exported);
            exchange.close();
        });
        receiver.start();
        platform = Platform.shared();
        browser = new Browser();
        // Sign in as the local run does: the user field, kept in localStorage, sent as X-User.
        browser.driver.get(platform.gatewayUrl() + "/#/jobs");
        WebElement user = browser.driver.findElement(By.id("user"));
        user.sendKeys(USER, Keys.ENTER);
        await().until(ExpectedConditions.presenceOfElementLocated(By.id("summary")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (receiver != null) {
            receiver.stop(0);
        }
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        List<String> errors = browser.consoleErrors();
        assertEquals(List.of(), errors, "the page logged errors");
    }

    @Test
    @Order(0)
    void addAWebhookOnTheWebhooksScreen() {
        open("#/webhooks");
        WebElement url = await().until(ExpectedConditions.elementToBeClickable(By.id("webhook-url")));
        url.sendKeys("ftp://127.0.0.1/hook");
        browser.driver.findElement(By.id("webhook-add")).click();
        await().until(ExpectedConditions.textToBe(By.id("webhook-url-error"), "must be an http or https URL"));

        url.clear();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        url.sendKeys(hook);
        browser.driver.findElement(By.id("webhook-add")).click();
        webhookSecret = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-secret-value"))).getText();
        assertTrue(webhookSecret.startsWith("whsec_"), webhookSecret);
        await().until(ExpectedConditions.textToBe(By.cssSelector("#webhooks td.url"), hook));
        browser.screenshot("0-webhooks");
    }

    @Test
    @Order(1)
    void createAJobWithAnUploadAndWatchItSucceedWithoutReloading() throws Exception {
        open("#/new");
        WebElement name = await().until(ExpectedConditions.elementToBeClickable(By.id("job-name")));
        name.sendKeys(JOB);
        await().until(ExpectedConditions.textToBe(By.id("job-name-status"), "Name available"));

        uploadFile(csv("blobs.csv", Csv.blobs(300, 4, 3, 11)));
        await().until(ExpectedConditions.textMatches(By.id("dataset-ok"), Pattern.compile(".*validated, 300 rows.*")));
        WebElement epochs = browser.driver.findElement(By.id("epochs"));
        epochs.clear();
        epochs.sendKeys("3");
        assertEquals("0.01", browser.driver.findElement(By.id("hp-learningRate")).getDomProperty("value"),
                "the recipe's defaults are filled in");
        browser.screenshot("1-execution");

        // A marker that survives only as long as the page is not reloaded.
        browser.driver.executeScript("window.notReloaded = true");
        browser.driver.findElement(By.id("submit")).click();
        await().until(ExpectedConditions.urlContains("#/jobs"));
        By row = By.cssSelector("tr[data-name='" + JOB + "']");
        await().until(ExpectedConditions.presenceOfElementLocated(row));

        // The list re-renders a row on every live update: look the row up again on each poll.
        new WebDriverWait(browser.driver, Duration.ofSeconds(150)).pollingEvery(Duration.ofMillis(250))
                .ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(row, "data-status", "succeeded"));
        // Told while the page is open: a notification in a polite live region, on every screen.
        WebElement note = await().until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#notifications .toast[data-status='succeeded']")));
        assertEquals("Job " + JOB + " succeeded.", note.findElement(By.tagName("span")).getText());
        assertEquals("polite", browser.driver.findElement(By.id("notifications")).getDomAttribute("aria-live"));
        browser.screenshot("2-notification");
        assertEquals("3 / 3", await().until(d -> d.findElement(row).findElement(By.className("epochs")).getText()));
        assertTrue(await().until(d -> d.findElement(row).findElement(By.className("accuracy")).getText()).endsWith("%"));
        assertEquals(Boolean.TRUE, browser.driver.executeScript("return window.notReloaded === true"),
                "the list followed the job without a reload");
        assertEquals("1 completed (1 succeeded)", browser.driver.findElement(By.id("count-completed")).getText());
        browser.screenshot("2-list");

        // The row is rendered again when the job changes after its success (its model version is registered).
        await().until(d -> {
            d.findElement(row).findElement(By.linkText(JOB)).click();
            return true;
        });
        await().until(ExpectedConditions.textMatches(By.id("model-uri"), Pattern.compile("s3://.+")));
        await().until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#timeline li"), 4));
        // Its history from progress-service's events, in order, and its best epoch
        await().until(ExpectedConditions.textMatches(By.id("job-events"),
                Pattern.compile("(?s).*job\\.queued.*training\\.started.*training\\.succeeded.*job\\.succeeded.*")));
        String best = browser.driver.findElement(By.id("job-best")).getDomAttribute("data-epoch");
        assertTrue(List.of("1", "2", "3").contains(best), "the best of the 3 epochs: " + best);
        browser.screenshot("3-detail");
    }

    @Test
    @Order(2)
    void aTakenNameIsToldAsYouType() {
        open("#/new");
        await().until(ExpectedConditions.elementToBeClickable(By.id("job-name"))).sendKeys(JOB);
        await().until(ExpectedConditions.textToBe(By.id("name-taken"), "You already have a job named " + JOB + "."));
        browser.screenshot("4-duplicate-name");
    }

    @Test
    @Order(3)
    void aBadDatasetShowsItsProblemsWithLineNumbers() throws Exception {
        open("#/new");
        String good = Csv.blobs(30, 3, 2, 11);
        // Line 1 is the header: data line 5 of the file gets a value that is no number.
        String[] lines = good.split("\n");
        lines[4] = "not-a-number," + lines[4].substring(lines[4].indexOf(',') + 1);
        uploadFile(csv("bad.csv", String.join("\n", lines) + "\n"));
        WebElement problems = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("dataset-problems")));
        assertTrue(problems.getText().contains("line 5"), problems.getText());
        browser.screenshot("5-bad-dataset");
    }

    @Test
    @Order(4)
    void theWebhookGotTheSignedPostAndItsLogShowsIt() throws Exception {
        // The job of test 1 succeeded: its delivery is made by progress-service's worker.
        new WebDriverWait(browser.driver, Duration.ofSeconds(60)).until(d -> received.stream()
                .anyMatch(r -> r[1].contains("\"type\":\"job.succeeded\"") && r[1].contains(JOB)));
        for (String[] post : received) {
            Pattern signature = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");
            var m = signature.matcher(post[0]);
            assertTrue(m.matches(), post[0]);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(webhookSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertEquals(HexFormat.of().formatHex(mac.doFinal((m.group(1) + "." + post[1]).getBytes(StandardCharsets.UTF_8))),
                    m.group(2), "the HMAC of t.body with the secret shown once");
        }
        open("#/webhooks");
        // Read the log again until the worker has recorded the answer.
        await().until(d -> {
            d.findElement(By.cssSelector("#webhooks button")).click();
            return "delivered".equals(d.findElement(By.cssSelector("#webhook-deliveries tr[data-delivery]"))
                    .getDomAttribute("data-status"));
        });
        browser.screenshot("6-webhook-deliveries");
    }

    @Test
    @Order(5)
    void aDatasetIsImportedFromAUrlAndAWrongOneIsExplained() {
        open("#/new");
        await().until(ExpectedConditions.elementToBeClickable(By.id("source-url"))).click();
        WebElement url = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("dataset-url")));
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        url.sendKeys(base + "/exports/missing.csv");
        browser.driver.findElement(By.id("import-url")).click();
        WebElement problem = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("import-problem")));
        assertTrue(problem.getText().contains("source.url: answered HTTP 404"), problem.getText());
        // The browser logs the refused request itself; nothing else may have gone wrong.
        for (String error : browser.consoleErrors()) {
            assertTrue(error.contains("status of 422"), error);
        }

        url.clear();
        url.sendKeys(base + "/exports/imported.csv");
        browser.driver.findElement(By.id("import-url")).click();
        await().until(ExpectedConditions.textMatches(By.id("dataset-ok"), Pattern.compile("Dataset imported\\.csv: validated, 40 rows.*")));
        browser.screenshot("7-import-url");
        // the same file again: its name is taken, so the new dataset's name carries the time
        browser.driver.findElement(By.id("import-url")).click();
        await().until(ExpectedConditions.textMatches(By.id("dataset-ok"),
                Pattern.compile("Dataset imported\\.csv \\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d: validated, 40 rows.*")));
    }

    private static void open(String route) {
        browser.driver.get(platform.gatewayUrl() + "/" + route);
    }

    private static void uploadFile(Path file) {
        // Uppy's dashboard keeps a file input for its "browse" link: the browser's file chooser.
        WebElement input = await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#upload input[type=file]")));
        input.sendKeys(file.toAbsolutePath().toString());
    }

    private static WebDriverWait await() {
        return (WebDriverWait) new WebDriverWait(browser.driver, Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class);
    }

    private static Path csv(String name, String content) throws IOException {
        return Files.writeString(files.resolve(name), content);
    }
}
