package io.finetune.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A large upload that breaks off and is resumed by a later process that knows only the dataset id
 * and the file: a multipart upload straight to the store through presigned part URLs. The store keeps
 * every part it received, so the resume asks which parts are there and sends only the others.
 */
@Command(name = "resume-upload", mixinStandardHelpOptions = true, subcommands = {
        ResumeUpload.Generate.class, ResumeUpload.Start.class, ResumeUpload.Resume.class},
        description = "A multipart upload interrupted after some parts, then resumed and completed.")
public class ResumeUpload {

    public static void main(String[] args) {
        System.exit(new CommandLine(new ResumeUpload()).execute(args));
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Writes a CSV of about --size-mib MiB.")
    static class Generate implements Callable<Integer> {
        @Option(names = "--file", required = true)
        Path file;

        @Option(names = "--size-mib", defaultValue = "70", description = "More than one part (64 MiB on a default platform)")
        int sizeMib;

        @Override
        public Integer call() throws IOException {
            long target = sizeMib * 1024L * 1024L;
            Random random = new Random(7);
            long rows = 0;
            StringBuilder row = new StringBuilder(64);
            try (BufferedWriter out = Files.newBufferedWriter(file)) {
                out.write("temperature,vibration,pressure,humidity,label\n");
                long written = 0;
                while (written < target) {
                    boolean hot = random.nextBoolean();
                    row.setLength(0);
                    fixed3(row, (hot ? 46 : 35) + random.nextGaussian() * 3).append(',');
                    fixed3(row, 0.25 + random.nextGaussian() * 0.05).append(',');
                    fixed3(row, 102 + random.nextGaussian()).append(',');
                    fixed3(row, 43 + random.nextGaussian() * 2).append(',').append(hot ? "overheating" : "normal").append('\n');
                    out.append(row);
                    written += row.length();
                    rows++;
                }
            }
            System.out.printf("wrote %s: %d rows, %d bytes%n", file, rows, Files.size(file));
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Opens a multipart upload, sends some parts, then breaks off in the middle of the next one.")
    static class Start implements Callable<Integer> {
        @Mixin
        ApiOptions options;

        @Option(names = "--file", required = true)
        Path file;

        @Option(names = "--interrupt-after", defaultValue = "1", description = "Parts sent before the connection breaks")
        int interruptAfter;

        @Override
        public Integer call() throws Exception {
            Api api = options.client();
            long size = Files.size(file);
            JsonNode session = api.call("POST", "/api/v1/datasets",
                    Map.of("name", "large-" + Instant.now().getEpochSecond(), "size", size, "upload", "multipart"), 201);
            String id = session.get("id").asText();
            long partSize = session.get("partSize").asLong();
            int partCount = session.get("partCount").asInt();
            System.out.printf("dataset %s: multipart upload of %d bytes in %d parts of %d bytes%n", id, size, partCount, partSize);
            if (partCount <= interruptAfter) {
                System.out.printf("the file has only %d part(s): use a larger --size-mib to see a resume%n", partCount);
                return 1;
            }
            for (int part = 1; part <= interruptAfter; part++) {
                sendPart(api, id, file, part, partSize, size, false);
            }
            int broken = interruptAfter + 1;
            try {
                sendPart(api, id, file, broken, partSize, size, true);
                System.out.println("the interruption did not happen");
                return 1;
            } catch (IOException expected) {
                System.out.printf("part %d: connection broke off half way (%s); this process gives up%n", broken, expected.getMessage());
            }
            System.out.printf("dataset id: %s%n", id);
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Asks which parts the store holds, sends the others and completes the upload.")
    static class Resume implements Callable<Integer> {
        @Mixin
        ApiOptions options;

        @Option(names = "--file", required = true)
        Path file;

        @Option(names = "--dataset", required = true, description = "The dataset id of the interrupted upload")
        String id;

        @Override
        public Integer call() throws Exception {
            Api api = options.client();
            JsonNode stored = api.call("GET", "/api/v1/datasets/" + id + "/parts", null, 200);
            long partSize = stored.get("partSize").asLong();
            int partCount = stored.get("partCount").asInt();
            List<Integer> have = new ArrayList<>();
            stored.path("parts").forEach(p -> have.add(p.get("partNumber").asInt()));
            System.out.printf("GET /api/v1/datasets/%s/parts: the store holds parts %s of %d%n", id, have, partCount);
            long size = Files.size(file);
            for (int part = 1; part <= partCount; part++) {
                if (!have.contains(part)) {
                    sendPart(api, id, file, part, partSize, size, false);
                }
            }
            JsonNode ds = api.complete(id, null);
            System.out.printf("dataset %s: %s, %d rows, %d bytes, sha256 %s%n", ds.get("name").asText(), ds.get("status").asText(),
                    ds.path("rows").asLong(), ds.path("bytes").asLong(), ds.path("sha256").asText("-"));
            ds.path("problems").forEach(p -> System.out.printf("  line %s: %s%n", p.path("line").asText("-"), p.path("message").asText()));
            return "validated".equals(ds.get("status").asText()) ? 0 : 1;
        }
    }

    /** Appends {@code value} with three decimals (String.format is the generator's bottleneck). */
    private static StringBuilder fixed3(StringBuilder out, double value) {
        long thousandths = Math.round(value * 1000);
        if (thousandths < 0) {
            out.append('-');
            thousandths = -thousandths;
        }
        long fraction = thousandths % 1000;
        return out.append(thousandths / 1000).append('.').append(fraction < 100 ? (fraction < 10 ? "00" : "0") : "").append(fraction);
    }

    /** Presigns one part and PUTs its slice of the file; with {@code breakOff} the stream fails half way. */
    static void sendPart(Api api, String id, Path file, int part, long partSize, long size, boolean breakOff) throws Exception {
        JsonNode urls = api.call("POST", "/api/v1/datasets/" + id + "/parts", Map.of("partNumbers", List.of(part)), 200);
        String url = urls.get("parts").get(0).get("url").asText();
        long offset = (part - 1) * partSize;
        long length = Math.min(partSize, size - offset);
        long stopAt = breakOff ? length / 2 : Long.MAX_VALUE;
        HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, offset, length, stopAt)), length);
        String etag = api.put(url, bytes);
        System.out.printf("part %d: %d bytes stored, ETag %s%n", part, length, etag);
    }

    /** The bytes of the file from offset, length long; failing after {@code stopAt} bytes, as a dropped connection does. */
    private static InputStream slice(Path file, long offset, long length, long stopAt) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
            InputStream in = Channels.newInputStream(channel);
            return new InputStream() {
                long left = length;
                long sent = 0;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (sent >= stopAt) {
                        throw new IOException("simulated network failure after " + sent + " bytes");
                    }
                    if (left == 0) {
                        return -1;
                    }
                    int n = in.read(b, off, (int) Math.min(len, Math.min(left, stopAt - sent)));
                    if (n > 0) {
                        left -= n;
                        sent += n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
