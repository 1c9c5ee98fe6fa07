package io.finetune.dataset.service;

import io.finetune.common.net.PublicAddresses;
import io.finetune.dataset.config.DatasetConfig;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.credentials.StaticProvider;
import io.minio.errors.ErrorResponseException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.OptionalLong;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Where an import reads a file from outside the platform's store: an https URL, or an object of
 * another S3 store read with the user's own credentials. Both go through one HTTP client that never
 * reaches a private, loopback or link-local address (checked on the connected socket of every hop,
 * redirects included, unless {@code dataset.import-allow-private-addresses}), never follows a
 * redirect from https to http, and applies the import's connect, read and overall timeouts.
 * The user's credentials are used for the requests of one import and never stored or logged.
 */
@ApplicationScoped
public class RemoteSources {

    private static final int MAX_URL_LENGTH = 2048;
    private static final String AWS_ENDPOINT = "https://s3.amazonaws.com";
    private static final String DEFAULT_REGION = "us-east-1";

    private final DatasetConfig config;
    private final OkHttpClient http;

    public RemoteSources(DatasetConfig config) {
        this.config = config;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(config.importConnectTimeout())
                .readTimeout(config.importReadTimeout())
                .callTimeout(config.importTimeout())
                .followSslRedirects(false)
                .addNetworkInterceptor(this::onlyAllowedAddresses)
                .build();
    }

    @PreDestroy
    void stop() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** A file at a URL. */
    public record Url(String url) {
    }

    /**
     * An object of another S3-compatible store, read with the user's credentials.
     *
     * @param endpoint null: AWS S3
     * @param sessionToken for temporary credentials (AWS STS); else null
     */
    public record S3Object(String endpoint, String region, String bucket, String key, String accessKeyId,
            String secretAccessKey, String sessionToken) {

        /** Never the secret: this record may end up in a log line or an exception message. */
        @Override
        public String toString() {
            return "s3://" + bucket + "/" + key + (endpoint == null ? "" : " at " + endpoint);
        }
    }

    /**
     * An open source: its bytes, its size when the source told, and where it came from in words that
     * hold no secret (no query string, no credentials). The caller closes it.
     */
    public record Opened(InputStream body, OptionalLong size, String description, Closeable onClose) implements Closeable {

        @Override
        public void close() throws IOException {
            onClose.close();
        }
    }

    /** The source could not be opened because of what the user gave: 422 on {@code field}. */
    public static class SourceException extends RuntimeException {

        private final String field;

        SourceException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** Opens the URL: the request is sent and the answer's status checked; the body is not read yet. */
    public Opened open(Url source) {
        String field = "source.url";
        URI uri = checkedUri(field, source.url());
        Request request = new Request.Builder().url(uri.toString())
                // the file's bytes as the server stores them: a .csv.gz stays compressed, validation reads gzip
                .header("Accept-Encoding", "identity")
                .build();
        Response response;
        try {
            response = http.newCall(request).execute();
        } catch (IOException e) {
            throw new SourceException(field, "could not be read: " + reason(e));
        }
        if (!response.isSuccessful()) {
            response.close();
            throw new SourceException(field, "answered HTTP " + response.code()
                    + (response.message().isBlank() ? "" : " " + response.message())
                    + "; give a URL that answers 200 with the file (a link that needs no login, or a presigned URL)");
        }
        ResponseBody body = response.body();
        long length = body.contentLength();
        // no query string: it may hold a presigned URL's signature
        String description = uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
        return new Opened(body.byteStream(), length < 0 ? OptionalLong.empty() : OptionalLong.of(length), description,
                response);
    }

    /** Opens the object with the user's credentials: its size is read first, which also checks them. */
    public Opened open(S3Object source) {
        String endpoint = source.endpoint() == null ? AWS_ENDPOINT : source.endpoint();
        URI uri = checkedUri("source.s3.endpoint", endpoint);
        MinioClient client = MinioClient.builder()
                .endpoint(uri.toString())
                .region(source.region() == null ? DEFAULT_REGION : source.region())
                .credentialsProvider(new StaticProvider(source.accessKeyId(), source.secretAccessKey(), source.sessionToken()))
                .httpClient(http)
                .build();
        long size;
        try {
            size = client.statObject(StatObjectArgs.builder().bucket(source.bucket()).object(source.key()).build()).size();
        } catch (ErrorResponseException e) {
            throw refused(source, e);
        } catch (IOException e) {
            throw new SourceException("source.s3.endpoint", "could not be reached: " + reason(e));
        } catch (Exception e) {
            throw new SourceException("source.s3", "could not be read: " + e.getMessage());
        }
        InputStream body;
        try {
            body = client.getObject(GetObjectArgs.builder().bucket(source.bucket()).object(source.key()).build());
        } catch (ErrorResponseException e) {
            throw refused(source, e);
        } catch (Exception e) {
            throw new SourceException("source.s3.endpoint", "could not be read: " + reason(e));
        }
        String description = "s3://" + source.bucket() + "/" + source.key() + " at " + uri.getHost();
        return new Opened(body, OptionalLong.of(size), description, body);
    }

    private static SourceException refused(S3Object source, ErrorResponseException e) {
        int status = e.response() == null ? 0 : e.response().code();
        String code = e.errorResponse() == null ? "" : e.errorResponse().code();
        if ("NoSuchBucket".equals(code)) {
            return new SourceException("source.s3.bucket", "there is no bucket '" + source.bucket() + "' in that store");
        }
        if (status == 404) {
            return new SourceException("source.s3.key", "there is no object with this key in bucket '" + source.bucket() + "'");
        }
        if (status == 403 || status == 401 || "SignatureDoesNotMatch".equals(code) || "InvalidAccessKeyId".equals(code)) {
            return new SourceException("source.s3", "the store refused these credentials (" + (code.isEmpty() ? status : code)
                    + "): check accessKeyId and secretAccessKey, and that they may read this object (s3:GetObject)");
        }
        return new SourceException("source.s3", "the store answered " + status + (code.isEmpty() ? "" : " " + code));
    }

    /** The URL's form, its scheme, and (unless allowed) that its host resolves to public addresses only. */
    private URI checkedUri(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new SourceException(field, "is required");
        }
        if (value.length() > MAX_URL_LENGTH) {
            throw new SourceException(field, "must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new SourceException(field, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        if (!https && !(scheme.equals("http") && config.importAllowHttp())) {
            throw new SourceException(field, "must be an https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new SourceException(field, "must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new SourceException(field, "must not contain credentials (user:password@); use a presigned URL or source.s3");
        }
        if (!config.importAllowPrivateAddresses()) {
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(uri.getHost());
            } catch (UnknownHostException e) {
                throw new SourceException(field, "names a host that cannot be resolved");
            }
            for (InetAddress address : addresses) {
                if (!PublicAddresses.isPublic(address)) {
                    throw new SourceException(field, "must not point at a private, loopback or link-local address");
                }
            }
        }
        return uri;
    }

    /** Every hop, redirects included, on the socket really connected: a name may resolve elsewhere by now. */
    private Response onlyAllowedAddresses(Interceptor.Chain chain) throws IOException {
        InetAddress address = chain.connection().route().socketAddress().getAddress();
        if (!config.importAllowPrivateAddresses() && !PublicAddresses.isPublic(address)) {
            throw new IOException(chain.request().url().host()
                    + " is a private, loopback or link-local address, which imports may not read");
        }
        return chain.proceed(chain.request());
    }

    /** Why reading a source failed, in words for the user. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "the server sent nothing for too long (a connect or read timeout)";
            }
            if (t instanceof InterruptedIOException && "timeout".equals(t.getMessage())) {
                return "the import took longer than its time limit";
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
