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

/**
 * The logs the Platform's processes wrote (target/e2e-logs; the fault run's in target/fault-logs): scanned for
 * the secrets they were given.
 */
public final class ServiceLogs {

    static final Path DIR = Path.of("target", "e2e-logs");
    /**
     * The store's secret key and the database password as the services are configured with them, and any
     * PEM private key. The password is the word "platform", which also names the product: only a
     * password-shaped use of it counts.
     */
    private static final List<Pattern> SECRETS = List.of(
            Pattern.compile(Pattern.quote("platform-secret-key")),
            Pattern.compile("(?i)(password|passwd|pwd|secret)[\"']?\\s*[=:]\\s*[\"']?platform\\b"),
            Pattern.compile("(?i)postgres(ql)?://[^\\s/:@]+:platform@"),
            // no service holds a private key (the gateway verifies JWTs with a public one), and none may print one
            Pattern.compile("-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"));

    private ServiceLogs() {
    }

    /** Fails naming each file and line that holds a secret. */
    static void assertNoSecrets() throws IOException {
        List<String> found = secretsIn(DIR);
        System.out.printf("[log-scan] %d service logs in %s scanned for the S3 secret key, the database password and private keys: %s%n",
                logs(DIR).size(), DIR, found.isEmpty() ? "none found" : found.size() + " found");
        assertTrue(found.isEmpty(), "secrets in service logs:\n" + String.join("\n", found));
    }

    /** Each line of the {@code .log} files in {@code dir} that holds a secret, as file:line: text. */
    public static List<String> secretsIn(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path log : logs(dir)) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                if (holdsSecret(lines.get(i))) {
                    found.add(log.getFileName() + ":" + (i + 1) + ": " + abbreviate(lines.get(i)));
                }
            }
        }
        return found;
    }

    /** Whether an answer to a client holds a stack frame, an exception class, a framework package or a secret. */
    public static boolean leaks(String answer) {
        return Api.LEAK.matcher(answer).find() || holdsSecret(answer);
    }

    public static boolean holdsSecret(String text) {
        return SECRETS.stream().anyMatch(secret -> secret.matcher(text).find());
    }

    public static List<Path> logs(Path dir) throws IOException {
        try (Stream<Path> logs = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            return logs.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
