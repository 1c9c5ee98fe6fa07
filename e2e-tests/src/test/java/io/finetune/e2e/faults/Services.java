package io.finetune.e2e.faults;

import io.finetune.e2e.Platform;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The packaged services as processes on the infrastructure Platform names (dev/faults points it at the
 * {@code faults} instance of dev/infra), like the e2e tests' Platform, but
 * each one addressable by name so that a fault can SIGKILL it and start it again on the same port
 * and database. Timeouts of failure detection are shortened (heartbeat, watchdog) so that a run of
 * the fault suite stays within minutes, and upload parts are S3's smallest; everything else is the
 * packaged configuration.
 */
final class Services implements AutoCloseable {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "fault-logs");
    /** Where dev/faults put its snapshot of each module's quarkus-app (one folder per module); unset: the modules' own. */
    private static final String APPS = System.getProperty("faults.apps");
    /** Eight JVMs starting at once on a loaded 2-core machine take minutes, not seconds. */
    private static final long STARTUP_SECONDS = Long.getLong("e2e.startup-seconds", 600);

    /** One service process: how to start it again, and the process now running (or dead). */
    static final class Service {
        final String name;
        final String module;
        final int port;
        final Map<String, String> env;
        Process process;
        int starts;

        Service(String name, String module, int port, Map<String, String> env) {
            this.name = name;
            this.module = module;
            this.port = port;
            this.env = env;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    private final String run = "faults_" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final List<String> databases = new ArrayList<>();
    private final Map<String, String> databaseOf = new HashMap<>();

    Services(int productionTrainers) throws Exception {
        try {
            Files.createDirectories(LOGS);
            int dataset = Platform.freePort();
            int scheduler = Platform.freePort();
            int progress = Platform.freePort();
            // 5 MiB parts (S3's smallest), so that a multipart upload interrupted by a store outage stays small
            add("dataset-service", "dataset-service", dataset, database("dataset"), Map.of("DATASET_PART_SIZE", "5242880"));
            add("scheduler-service", "scheduler-service", scheduler, database("scheduler"), Map.of(
                    "SCHEDULER_HEARTBEAT_TIMEOUT", "20s",
                    "SCHEDULER_WATCHDOG_TICK", "2s",
                    "SCHEDULER_LANES_PRODUCTION_SLOTS", Integer.toString(productionTrainers)));
            add("progress-service", "progress-service", progress, database("progress"), Map.of());
            for (int i = 1; i <= productionTrainers; i++) {
                add("trainer-" + i, "trainer-worker", Platform.freePort(), null, Map.of(
                        "TRAINER_WORKER_ID", run + "-trainer-" + i,
                        "TRAINER_DISPATCH_TOPIC", "training.dispatch.production",
                        "TRAINER_HEARTBEAT_INTERVAL", "2s"));
            }
            add("gateway-service", "gateway-service", Platform.freePort(), null, Map.of(
                    "GATEWAY_AUTH_TRUST_USER_HEADER", "true",
                    "GATEWAY_RATE_LIMIT_ENABLED", "false",
                    "QUARKUS_REST_CLIENT_DATASET_SERVICE_URL", "http://127.0.0.1:" + dataset,
                    "QUARKUS_REST_CLIENT_SCHEDULER_SERVICE_URL", "http://127.0.0.1:" + scheduler,
                    "QUARKUS_REST_CLIENT_PROGRESS_SERVICE_URL", "http://127.0.0.1:" + progress));
            for (Service s : services.values()) {
                start(s);
            }
            for (Service s : services.values()) {
                awaitReady(s);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    Service get(String name) {
        return services.get(name);
    }

    List<Service> trainers() {
        return services.values().stream().filter(s -> s.module.equals("trainer-worker")).toList();
    }

    /** How many times each service process was started: a fault the services ride out leaves it unchanged. */
    Map<String, Integer> starts() {
        Map<String, Integer> starts = new LinkedHashMap<>();
        services.values().forEach(s -> starts.put(s.name, s.process.isAlive() ? s.starts : -1));
        return starts;
    }

    String jdbcUrl(String service) {
        return "jdbc:postgresql://" + Platform.POSTGRES + "/" + databaseOf.get(service);
    }

    /** SIGKILL: no shutdown hook, no graceful close of consumers or connections. */
    void kill(Service s) throws InterruptedException {
        s.process.destroyForcibly();
        s.process.waitFor();
    }

    void restart(Service s) throws Exception {
        start(s);
        awaitReady(s);
    }

    private void add(String name, String module, int port, String database, Map<String, String> extra) {
        Map<String, String> env = Platform.serviceEnv(port, database);
        if (database != null) {
            databaseOf.put(name, database);
        }
        env.putAll(extra);
        services.put(name, new Service(name, module, port, env));
    }

    private void start(Service s) throws IOException {
        Path jar = APPS == null ? ROOT.resolve(s.module).resolve("target/quarkus-app/quarkus-run.jar")
                : Path.of(APPS).resolve(s.module).resolve("quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first");
        }
        s.starts++;
        ProcessBuilder pb = new ProcessBuilder(Platform.command(jar))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LOGS.resolve(s.name + ".log").toFile()));
        pb.environment().putAll(s.env);
        s.process = pb.start();
    }

    private static void awaitReady(Service s) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(STARTUP_SECONDS);
        URI ready = URI.create(s.url() + "/q/health/ready");
        while (true) {
            if (!s.process.isAlive()) {
                throw new IllegalStateException(s.name + " exited at start-up; see " + LOGS.toAbsolutePath());
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(ready + " (" + s.name + ") not ready within " + STARTUP_SECONDS + " s");
            }
            Thread.sleep(250);
        }
    }

    private String database(String service) throws SQLException {
        String name = run + "_" + service;
        Platform.createDatabase(name);
        databases.add(name);
        return name;
    }

    @Override
    public void close() throws Exception {
        for (Service s : services.values()) {
            if (s.process != null) {
                s.process.destroy();
            }
        }
        for (Service s : services.values()) {
            if (s.process != null && !s.process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                s.process.destroyForcibly().waitFor();
            }
        }
        Platform.dropDatabases(databases);
    }
}
