package io.finetune.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The packaged services started as separate processes against the test infrastructure
 * (dev/infra start test), each on a free loopback port and with databases of its own for this run,
 * so that what the module tests left behind cannot hold trainer slots or rows here.
 */
public final class Platform implements AutoCloseable {

    public static final String KAFKA = System.getProperty("e2e.kafka", "127.0.0.1:29092");
    public static final String POSTGRES = System.getProperty("e2e.postgres", "127.0.0.1:25432");
    public static final String S3 = System.getProperty("e2e.s3", "http://127.0.0.1:29000");
    /**
     * Trainer workers per lane, as the scheduler's default slots: two production jobs train in parallel;
     * the cpu lane runs prediction jobs.
     */
    static final Map<String, Integer> TRAINERS = Map.of("production", 2, "interactive", 1, "cpu", 1);

    /** How long the services may take to be ready; a loaded shared machine needs more than a quiet one. */
    static final long STARTUP_SECONDS = Long.getLong("e2e.startup-seconds", 120);

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "e2e-logs");

    /**
     * How every service process is started, as dev/up does: a small heap, and only the C1 compiler. With
     * eight or more JVMs on one small machine, C2's compilations took the cores for minutes after start
     * (45% of each service's CPU under load, list p99 1.4 s); C1's code is fast enough for services that
     * mostly wait on I/O (list p99 47 ms). In production each pod has its own CPU and keeps both compilers.
     */
    private static final List<String> SERVICE_JVM = List.of("java", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static Platform shared;
    /** Ports this JVM handed out already: each probe socket is closed again before the service binds. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private final String run = "e2e_" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();
    private int gatewayPort;
    private int servingPort;

    public Platform() throws Exception {
        try {
            startAll();
        } catch (Exception | Error e) {
            // A service that failed to start must not leave the others running (and holding trainer slots).
            close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Files.createDirectories(LOGS);
        int datasetPort = freePort();
        int schedulerPort = freePort();
        int progressPort = freePort();
        servingPort = freePort();
        gatewayPort = freePort();
        // examples/import-dataset serves its file on loopback, which production refuses
        start("dataset-service", datasetPort, database("dataset"), Map.of("DATASET_IMPORT_ALLOW_HTTP", "true",
                "DATASET_IMPORT_ALLOW_PRIVATE_ADDRESSES", "true"));
        start("scheduler-service", schedulerPort, database("scheduler"), Map.of());
        // WebUiTest's webhook receiver is on loopback, which production refuses
        start("progress-service", progressPort, database("progress"), Map.of("PROGRESS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "true"));
        start("serving-service", servingPort, null, Map.of());
        for (var lane : TRAINERS.entrySet()) {
            for (int i = 1; i <= lane.getValue(); i++) {
                start("trainer-worker", freePort(), null, Map.of(
                        "TRAINER_WORKER_ID", run + "-trainer-" + lane.getKey() + "-" + i,
                        "TRAINER_DISPATCH_TOPIC", "training.dispatch." + lane.getKey()));
            }
        }
        start("gateway-service", gatewayPort, null, Map.of(
                "GATEWAY_AUTH_TRUST_USER_HEADER", "true",
                "QUARKUS_REST_CLIENT_DATASET_SERVICE_URL", "http://127.0.0.1:" + datasetPort,
                "QUARKUS_REST_CLIENT_SCHEDULER_SERVICE_URL", "http://127.0.0.1:" + schedulerPort,
                "QUARKUS_REST_CLIENT_PROGRESS_SERVICE_URL", "http://127.0.0.1:" + progressPort,
                "QUARKUS_REST_CLIENT_SERVING_SERVICE_URL", "http://127.0.0.1:" + servingPort));
        awaitReady();
    }

    /**
     * The one Platform of this test JVM: started by the first class that asks, stopped when the JVM
     * exits. Starting the eight processes took about a minute per class; the classes use fresh users,
     * datasets and job names, so they need no platform of their own.
     */
    public static synchronized Platform shared() throws Exception {
        if (shared == null) {
            Platform started = new Platform();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception e) {
                    System.err.println("could not stop the e2e platform: " + e);
                }
            }, "e2e-platform-stop"));
            shared = started;
        }
        return shared;
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    /** serving-service's own (internal) API, behind the gateway's {@code /api/v1/models/{name}/predict}. */
    public String servingUrl() {
        return "http://127.0.0.1:" + servingPort;
    }

    private String database(String service) throws SQLException {
        String name = run + "_" + service;
        createDatabase(name);
        databases.add(name);
        return name;
    }

    /** A database of its own for one service of one run, on the test PostgreSQL. */
    public static void createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + POSTGRES + "/postgres", "platform", "platform");
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
    }

    public static void dropDatabases(List<String> names) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + POSTGRES + "/postgres", "platform", "platform");
                Statement s = c.createStatement()) {
            for (String db : names) {
                s.execute("drop database if exists " + db + " with (force)");
            }
        }
    }

    /** What every service process gets: loopback and its port, the test infrastructure, its database if it has one. */
    public static Map<String, String> serviceEnv(int port, String database) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA);
        env.put("QUARKUS_MINIO_HOST", S3);
        if (database != null) {
            env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + POSTGRES + "/" + database);
        }
        return env;
    }

    private void start(String service, int port, String database, Map<String, String> extraEnv) throws IOException {
        Path jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn verify builds them before this module)");
        }
        Map<String, String> env = serviceEnv(port, database);
        env.putAll(extraEnv);
        String name = extraEnv.getOrDefault("TRAINER_WORKER_ID", service);
        List<String> command = new ArrayList<>();
        if (service.equals("trainer-worker")) {
            // as dev/up: trainers at a lower CPU priority, so that training does not take the cores the
            // API answers from (in production they have GPU nodes of their own)
            command.addAll(List.of("nice", "-n", "10"));
        }
        command.addAll(command(jar));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(LOGS.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        processes.add(pb.start());
        ports.add(port);
        names.add(name);
    }

    /** The command that runs a packaged service or tool jar (see {@link #SERVICE_JVM}). */
    public static List<String> command(Path jar) {
        List<String> command = new ArrayList<>(SERVICE_JVM);
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /** The Prometheus endpoint of every process started: each service and each trainer worker. */
    public Map<String, URI> metricsUrls() {
        Map<String, URI> urls = new java.util.LinkedHashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            urls.put(names.get(i), URI.create("http://127.0.0.1:" + ports.get(i) + "/q/metrics"));
        }
        return urls;
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(STARTUP_SECONDS));
        for (int i = 0; i < ports.size(); i++) {
            URI ready = URI.create("http://127.0.0.1:" + ports.get(i) + "/q/health/ready");
            while (true) {
                if (!processes.get(i).isAlive()) {
                    throw new IllegalStateException("a service exited at start-up; see " + LOGS.toAbsolutePath());
                }
                try {
                    if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(ready + " not ready within " + STARTUP_SECONDS + " s; see " + LOGS.toAbsolutePath());
                }
                Thread.sleep(250);
            }
        }
    }

    @Override
    public void close() throws Exception {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        dropDatabases(databases);
    }

    /**
     * A loopback port free now, below the kernel's ephemeral range (32768+): a port the kernel handed
     * out could be taken by one of the services' own outgoing connections before the service binds it.
     * 20000-24999 holds none of dev/infra's ports (15432, 19000, 19092 and those +10000, +20000).
     */
    public static synchronized int freePort() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(5_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new IOException("no free loopback port in 20000-24999");
    }
}
