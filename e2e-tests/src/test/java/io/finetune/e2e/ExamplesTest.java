package io.finetune.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the scripts in examples/ as a user would, against one platform's gateway, and checks what
 * they print and their exit codes, so that the examples never rot. Short epochs keep it quick.
 */
class ExamplesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final long TIMEOUT_MINUTES = 6;

    private static Platform platform;

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = Platform.shared();
    }


    @Test
    void quickstartTrainsAModelThatPredictsAFileWhileTheKafkaIntegrationFollowsItsEvents() throws Exception {
        String user = newUser();
        Running consumer = start("examples/training-events", "--bootstrap", Platform.KAFKA, "--group", "examples-test-" + user,
                "--owner", user, "--exit-after-succeeded", "1", "--timeout", "300");
        consumer.awaitLine("ready: ");

        Result quickstart = run(api("examples/quickstart", user, "--epochs", "2", "--name", "quickstart-test"));
        assertEquals(0, quickstart.exit, quickstart.output);
        assertTrue(quickstart.output.contains("dataset quickstart-test-data: validated, 900 rows"), quickstart.output);
        assertTrue(Pattern.compile("epoch 2/2 +train loss").matcher(quickstart.output).find(), quickstart.output);
        assertTrue(quickstart.output.contains("final: status succeeded"), quickstart.output);

        Result events = consumer.await();
        assertEquals(0, events.exit, events.output);
        for (String type : List.of("training.started", "training.epoch-completed", "training.succeeded")) {
            assertTrue(events.output.contains(type), type + " in\n" + events.output);
        }
        assertTrue(events.output.contains("epoch 2/2"), events.output);
        assertTrue(events.output.contains("model s3://models/"), events.output);

        // the model the quickstart trained (a job's model defaults to its name) predicts the whole file
        Path predictions = Path.of("target", "examples-predictions.csv").toAbsolutePath();
        Result batch = run(api("examples/batch-predict", user, "--model", "quickstart-test", "--output", predictions.toString()));
        assertEquals(0, batch.exit, batch.output);
        assertTrue(batch.output.contains("900 rows predicted"), batch.output);
        assertEquals(901, Files.readAllLines(predictions).size(), "a header and one prediction per row");
    }

    @Test
    void twoJobsTrainInParallel() throws Exception {
        Result result = run(api("examples/parallel-jobs", newUser(), "--epochs", "30"));
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("overlapped: yes"), result.output);
    }

    @Test
    void aBadDatasetIsRejectedWithLineNumbersAndAJobOnItRefused() throws Exception {
        Result result = run(api("examples/bad-dataset", newUser()));
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains(": rejected"), result.output);
        assertTrue(result.output.contains("line 21"), result.output);
        assertTrue(result.output.contains("line 32"), result.output);
        assertTrue(result.output.contains("POST /api/v1/jobs on it: 422"), result.output);
    }

    @Test
    void aDatasetIsImportedFromAUrl() throws Exception {
        Result result = run(api("examples/import-dataset", newUser()));
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("POST /api/v1/datasets {source: {url}}: 201"), result.output);
        assertTrue(Pattern.compile("from http://127\\.0\\.0\\.1:\\d+/exports/machine-health\\.csv: validated, 900 rows")
                .matcher(result.output).find(), result.output);
    }

    @Test
    void aRunningJobIsCancelled() throws Exception {
        Result result = run(api("examples/cancel", newUser()));
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("/cancel: 202"), result.output);
        assertTrue(result.output.contains("final: status cancelled"), result.output);
        assertTrue(result.output.contains("cancelling it again: 409"), result.output);
    }

    @Test
    void anInterruptedMultipartUploadIsResumed() throws Exception {
        Result result = run(api("examples/resume-upload", newUser()));
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("connection broke off half way"), result.output);
        assertTrue(result.output.contains("the store holds parts [1] of 2"), result.output);
        assertTrue(Pattern.compile(": validated, \\d+ rows").matcher(result.output).find(), result.output);
    }

    @Test
    void aDailyRetrainAddsAVersionOfTheSameModel() throws Exception {
        Result result = run(api("examples/daily-retrain", newUser(), "--runs", "2", "--epochs", "2", "--model", "retrain-test"));
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("model retrain-test: latest version 2"), result.output);
        assertTrue(Pattern.compile("version 1 +job retrain-test-").matcher(result.output).find(), result.output);
    }

    private static String newUser() {
        return "examples-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> api(String script, String user, String... args) {
        List<String> command = new ArrayList<>(List.of(script, "--api", platform.gatewayUrl(), "--user", user));
        command.addAll(List.of(args));
        return command;
    }

    private record Result(int exit, String output) {
    }

    /** Runs an example to its end; what it printed goes to the test's output too, as a record of the run. */
    private static Result run(List<String> command) throws Exception {
        Result result = start(command.toArray(String[]::new)).await();
        System.out.printf("$ %s%n%s(exit %d)%n", String.join(" ", command), result.output, result.exit);
        return result;
    }

    private static Running start(String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        return new Running(process);
    }

    /** A started example whose output is collected as it comes. */
    private static final class Running {
        private final Process process;
        private final StringBuffer output = new StringBuffer();
        private final CompletableFuture<Void> drained;

        Running(Process process) {
            this.process = process;
            this.drained = CompletableFuture.runAsync(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        output.append(line).append('\n');
                    }
                } catch (IOException ended) {
                    // the process is gone; what it printed is kept
                }
            });
        }

        void awaitLine(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!output.toString().contains(prefix)) {
                assertTrue(process.isAlive(), "exited before printing " + prefix + ":\n" + output);
                assertTrue(System.nanoTime() < deadline, "no " + prefix + " within a minute:\n" + output);
                Thread.sleep(100);
            }
        }

        Result await() throws Exception {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
            }
            drained.get(10, TimeUnit.SECONDS);
            return new Result(process.exitValue(), output.toString());
        }
    }
}
