package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A dataset imported from a URL instead of uploaded: the platform fetches the file itself, streams it
 * into its store and validates it like an upload. Without {@code --url} the file is served from this
 * process on loopback, which a local platform (dev/up) allows; production imports https from public
 * addresses only.
 */
@Command(name = "import-dataset", mixinStandardHelpOptions = true,
        description = "Imports a dataset from a URL (by default a file this process serves) and prints the outcome.")
public class ImportDataset implements Callable<Integer> {

    @Mixin
    ApiOptions options;

    @Option(names = "--url", description = "An https URL of a CSV to import (default: serve --file on loopback)")
    String url;

    @Option(names = "--file", defaultValue = "examples/data/machine-health.csv",
            description = "The CSV served when no --url is given (default: ${DEFAULT-VALUE})")
    Path file;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImportDataset()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        HttpServer server = null;
        if (url == null) {
            byte[] bytes = Files.readAllBytes(file);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/exports/", exchange -> {
                try (exchange) {
                    exchange.sendResponseHeaders(200, bytes.length);
                    exchange.getResponseBody().write(bytes);
                }
            });
            server.start();
            url = "http://127.0.0.1:" + server.getAddress().getPort() + "/exports/" + file.getFileName();
            System.out.printf("serving %s (%d bytes) at %s%n", file, bytes.length, url);
        }
        try {
            Api api = options.client();
            String name = "imported-" + Instant.now().getEpochSecond();
            Api.Answer answer = api.send("POST", "/api/v1/datasets", Map.of("name", name, "source", Map.of("url", url)));
            System.out.printf("POST /api/v1/datasets {source: {url}}: %d%n", answer.status());
            if (answer.status() != 201 && answer.status() != 202) {
                System.out.println(answer.text());
                return 1;
            }
            JsonNode ds = answer.body();
            String path = "/api/v1/datasets/" + ds.get("id").asText();
            while ("importing".equals(ds.get("status").asText()) || "validating".equals(ds.get("status").asText())) {
                System.out.printf("dataset %s: %s%n", name, ds.get("status").asText());
                Thread.sleep(500);
                ds = api.call("GET", path, null, 200);
            }
            System.out.printf("dataset %s from %s: %s, %s rows, columns %s, sha256 %s%n", ds.get("name").asText(),
                    ds.path("source").asText(), ds.get("status").asText(), ds.path("rows").asText(),
                    ds.path("columns"), ds.path("sha256").asText());
            ds.path("problems").forEach(p -> System.out.printf("  line %s, column %s: %s%n",
                    p.path("line").asText("-"), p.path("column").asText("-"), p.path("message").asText()));
            return "validated".equals(ds.get("status").asText()) ? 0 : 1;
        } finally {
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
