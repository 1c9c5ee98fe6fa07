package io.finetune.e2e.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.e2e.Csv;
import io.finetune.e2e.Platform;
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
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The models screens in a real headless Chromium against the packaged services: a job submitted
 * with a model name trains, the model appears with version 1 and its accuracy, its detail draws the
 * accuracy chart and lists the version with its hyperparameters, and the prediction form generated
 * from the version's input schema answers a label, or shows serving-service's field error next to the field;
 * a CSV file of inputs comes back as a CSV of predictions, or with the bad value's line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelsUiTest {

    private static final String USER = "ui-models-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String MODEL = "machine-health";
    private static final String JOB = MODEL + "-" + UUID.randomUUID().toString().substring(0, 6);
    /**
     * A page that fails a request logs it: expected only for the bad value the test sends on purpose
     * (422), and for a version serving-service is still loading right after its registration (503, retried).
     */
    private static final Pattern EXPECTED = Pattern.compile(".*/predict(\\?version=\\d+)? .*status of (422|503).*");

    private static Platform platform;
    private static Browser browser;
    @TempDir
    static Path files;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.shared();
        browser = new Browser();
        browser.driver.get(platform.gatewayUrl() + "/#/models");
        browser.driver.findElement(By.id("user")).sendKeys(USER, Keys.ENTER);
        await().until(ExpectedConditions.presenceOfElementLocated(By.id("models")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        List<String> errors = browser.consoleErrors().stream().filter(e -> !EXPECTED.matcher(e).matches()).toList();
        assertEquals(List.of(), errors, "the page logged errors");
    }

    @Test
    @Order(1)
    void aTrainedJobsModelIsListedWithItsFirstVersion() throws Exception {
        open("#/new");
        await().until(ExpectedConditions.elementToBeClickable(By.id("job-name"))).sendKeys(JOB);
        await().until(ExpectedConditions.textToBe(By.id("job-name-status"), "Name available"));
        browser.driver.findElement(By.id("job-model")).sendKeys(MODEL);
        await().until(ExpectedConditions.textToBe(By.id("job-model-status"), "A new model " + MODEL + "."));
        Path csv = Files.writeString(files.resolve("health.csv"), Csv.blobs(300, 4, 3, 7));
        await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#upload input[type=file]")))
                .sendKeys(csv.toAbsolutePath().toString());
        await().until(ExpectedConditions.textMatches(By.id("dataset-ok"), Pattern.compile(".*validated, 300 rows.*")));
        WebElement epochs = browser.driver.findElement(By.id("epochs"));
        epochs.clear();
        epochs.sendKeys("3");
        browser.driver.findElement(By.id("submit")).click();

        By job = By.cssSelector("tr[data-name='" + JOB + "']");
        new WebDriverWait(browser.driver, Duration.ofSeconds(150)).pollingEvery(Duration.ofMillis(250))
                .ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(job, "data-status", "succeeded"));

        // The version is registered from the job's success event; the screen shows what the view holds when opened.
        By row = By.cssSelector("tr[data-model='" + MODEL + "']");
        open("#/models");
        new WebDriverWait(browser.driver, Duration.ofSeconds(60)).pollingEvery(Duration.ofSeconds(2))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    d.navigate().refresh();
                    await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#models tbody tr")));
                    return !d.findElements(row).isEmpty();
                });
        WebElement model = browser.driver.findElement(row);
        assertEquals("1", model.findElement(By.className("latest-version")).getText());
        assertTrue(model.findElement(By.className("accuracy")).getText().matches("\\d+\\.\\d %"),
                model.findElement(By.className("accuracy")).getText());
        assertEquals("", model.findElement(By.className("health")).getText(), "a first, fresh version is neither stale nor worse");
        browser.screenshot("6-models");
    }

    @Test
    @Order(2)
    void theModelsDetailChartsItsVersionsAndListsTheirHyperparameters() {
        open("#/models");
        await().until(ExpectedConditions.elementToBeClickable(By.linkText(MODEL))).click();
        WebElement version = await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#versions tr[data-version='1']")));
        assertTrue(version.getText().contains(JOB), version.getText());
        await().until(d -> d.findElement(By.cssSelector("#versions tr[data-version='1'] .hyper")).getText().contains("learningRate="));
        assertTrue(drawnPixels() > 100, "the accuracy chart is drawn on its canvas");
        assertEquals("1", browser.driver.findElement(By.id("latest-version")).getText());
        browser.screenshot("7-model-detail");
    }

    @Test
    @Order(3)
    void thePredictionFormAnswersALabelAndShowsFieldErrors() {
        openModel();
        List<WebElement> inputs = await().until(
                ExpectedConditions.numberOfElementsToBe(By.cssSelector("#predict-form input"), 4));
        // A point at the centre of class-1's blob (feature 1 high, the others low).
        for (int f = 0; f < inputs.size(); f++) {
            assertEquals("predict-f" + f, inputs.get(f).getAttribute("id"), "the form follows the version's input schema");
            inputs.get(f).sendKeys(f == 1 ? "3.0" : "0.0");
        }
        browser.driver.findElement(By.id("predict-submit")).click();
        WebElement label = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("prediction-label")));
        assertTrue(label.getText().matches("class-[0-2]"), label.getText());
        assertEquals("version 1", browser.driver.findElement(By.id("prediction-version")).getText());
        assertEquals(3, browser.driver.findElements(By.cssSelector("#prediction .probabilities li")).size());
        browser.screenshot("8-prediction");

        WebElement first = browser.driver.findElement(By.id("predict-f0"));
        first.clear();
        first.sendKeys("warm");
        browser.driver.findElement(By.id("predict-submit")).click();
        WebElement error = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("predict-f0-error")));
        await().until(d -> !error.getText().isBlank());
        assertEquals("true", first.getAttribute("aria-invalid"));
        assertEquals("", browser.driver.findElement(By.id("predict-f1-error")).getText(), "only the bad field has an error");
        assertTrue(browser.driver.findElements(By.id("prediction-label")).isEmpty(), "no stale answer beside the error");
        browser.screenshot("9-prediction-field-error");
    }

    @Test
    @Order(4)
    void aFileOfInputsIsPredictedAndOfferedAsCsvWithErrorsAtTheirLines() throws Exception {
        openModel();
        String rows = Csv.blobs(5, 4, 3, 19);
        browser.driver.findElement(By.id("batch-file")).sendKeys(
                Files.writeString(files.resolve("inputs.csv"), rows).toAbsolutePath().toString());
        browser.driver.findElement(By.id("batch-submit")).click();
        WebElement link = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("batch-download")));
        String results = (String) browser.driver.executeAsyncScript(
                "fetch(arguments[0]).then(r => r.text()).then(arguments[arguments.length - 1])", link.getAttribute("href"));
        List<String> lines = results.lines().toList();
        assertEquals(6, lines.size(), results);
        assertEquals("f0,f1,f2,f3,label,predicted_label,p_class-0,p_class-1,p_class-2,model_version", lines.get(0));
        for (String line : lines.subList(1, 6)) {
            assertTrue(line.matches("(-?[0-9.]+,){4}class-[0-2],class-[0-2],([0-9.eE+-]+,){3}1"), line);
        }
        browser.screenshot("10-batch-prediction");

        // Line 3 of the file (its second row) has a value that is no number.
        String[] bad = rows.split("\n");
        bad[2] = "warm" + bad[2].substring(bad[2].indexOf(','));
        browser.driver.findElement(By.id("batch-file")).sendKeys(
                Files.writeString(files.resolve("bad-inputs.csv"), String.join("\n", bad) + "\n").toAbsolutePath().toString());
        browser.driver.findElement(By.id("batch-submit")).click();
        WebElement problems = await().until(ExpectedConditions.visibilityOfElementLocated(By.id("batch-problems")));
        assertTrue(problems.getText().contains("line 3, column f0"), problems.getText());
    }

    /** Non-transparent pixels on the chart's canvas: Chart.js drew the axes and the line. */
    private static long drawnPixels() {
        Object count = browser.driver.executeScript("""
                const c = document.getElementById('versions-chart');
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
                return n;""");
        return ((Number) count).longValue();
    }

    private static void openModel() {
        open("#/models/" + MODEL);
        await().until(ExpectedConditions.presenceOfElementLocated(By.id("predict-form")));
    }

    private static void open(String route) {
        browser.driver.get(platform.gatewayUrl() + "/" + route);
    }

    private static WebDriverWait await() {
        return (WebDriverWait) new WebDriverWait(browser.driver, Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class);
    }
}
