package io.finetune.e2e.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.e2e.Platform;
import java.io.IOException;
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
 * when a job name is taken, and sees a bad dataset's problems with their line numbers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiTest {

    private static final String USER = "ui-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String JOB = "ui-job-" + UUID.randomUUID().toString().substring(0, 6);

    private static Platform platform;
    private static Browser browser;
    @TempDir
    static Path files;

    @BeforeAll
    static void start() throws Exception {
        platform = new Platform();
        browser = new Browser();
        // Sign in as the local run does: the user field, kept in localStorage, sent as X-User.
        browser.driver.get(platform.gatewayUrl() + "/#/jobs");
        WebElement user = browser.driver.findElement(By.id("user"));
        user.sendKeys(USER, Keys.ENTER);
        await().until(ExpectedConditions.presenceOfElementLocated(By.id("summary")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        List<String> errors = browser.consoleErrors();
        assertEquals(List.of(), errors, "the page logged errors");
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
