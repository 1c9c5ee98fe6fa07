package io.finetune.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The logs the Platform's processes wrote (target/e2e-logs): scanned for the secrets they were given. */
final class ServiceLogs {

    static final Path DIR = Path.of("target", "e2e-logs");
    /**
     * The store's secret key and the database password as the services are configured with them. The
     * password is the word "platform", which also names the product: only a password-shaped use of it counts.
     */
    private static final List<Pattern> SECRETS = List.of(
            Pattern.compile(Pattern.quote("platform-secret-key")),
            Pattern.compile("(?i)(password|passwd|pwd|secret)[\"']?\\s*[=:]\\s*[\"']?platform\\b"),
            Pattern.compile("(?i)postgres(ql)?://[^\\s/:@]+:platform@"));

    private ServiceLogs() {
    }

    /** Fails naming each file and line that holds a secret. */
    static void assertNoSecrets() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> logs = Files.exists(DIR) ? Files.list(DIR) : Stream.empty()) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
                for (int i = 0; i < lines.size(); i++) {
                    for (Pattern secret : SECRETS) {
                        if (secret.matcher(lines.get(i)).find()) {
                            found.add(log.getFileName() + ":" + (i + 1) + ": " + abbreviate(lines.get(i)));
                        }
                    }
                }
            }
        }
        System.out.printf("[log-scan] %d service logs in %s scanned for the S3 secret key and the database password: %s%n",
                files, DIR, found.isEmpty() ? "none found" : found.size() + " found");
        assertTrue(found.isEmpty(), "secrets in service logs:\n" + String.join("\n", found));
    }

    private static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
