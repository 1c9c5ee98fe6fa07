package io.finetune.e2e.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The fault run's own infrastructure instance of dev/infra ({@code faults}: Kafka 39092, PostgreSQL
 * 35432, S3 39000), whose parts a fault stops and starts again while the services run. Never the
 * shared test instance: other test runs on the machine use it.
 */
final class Infra {

    static final String INSTANCE = System.getProperty("faults.infra-instance", "faults");
    private static final Path SCRIPT = Path.of("..", "dev", "infra").toAbsolutePath().normalize();

    private Infra() {
    }

    /** {@code dev/infra stop faults kafka} and the like; returns once the script has finished. */
    static void run(String command, String part) throws IOException, InterruptedException {
        if (INSTANCE.equals("test") || INSTANCE.equals("dev")) {
            throw new IllegalStateException("the fault run breaks its infrastructure: it must not be the shared '" + INSTANCE + "' instance");
        }
        Process p = new ProcessBuilder(SCRIPT.toString(), command, INSTANCE, part).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("dev/infra " + command + " " + INSTANCE + " " + part + " failed");
        }
    }
}
