package io.finetune.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** The dataset-service's own settings ({@code dataset.*}). */
@ConfigMapping(prefix = "dataset")
public interface DatasetConfig {

    /** The bucket that holds every dataset's bytes; created at start-up when missing. */
    @WithDefault("datasets")
    String bucket();

    /** How long a presigned single-PUT upload URL stays valid (S3 allows at most 7 days). */
    @WithDefault("PT1H")
    Duration uploadExpiry();

    /** How long a presigned part URL stays valid: short, since a client presigns parts as it goes. */
    @WithDefault("PT15M")
    Duration partUrlExpiry();

    /** The largest dataset file, checked on the declared size at creation and on the real one at completion. */
    @WithDefault("10737418240")
    long maxBytes();

    /**
     * The part size of multipart uploads; 64 MiB puts 10 GiB in 160 parts, far inside S3's 10,000.
     * Raised for a file that would need more than {@link #maxParts()} parts.
     */
    @WithDefault("67108864")
    long partSize();

    /** The most parts the service plans for one upload (S3 allows 10,000). */
    @WithDefault("1000")
    int maxParts();

    /** An upload not completed within this time is aborted and the dataset deleted by the sweep. */
    @WithDefault("P1D")
    Duration abandonAfter();

    /** How often the sweep looks for abandoned uploads and stuck validations (a Quarkus scheduler period). */
    @WithDefault("5m")
    String sweepEvery();

    /** A validation still unfinished after this time (e.g. its instance stopped) is started again by the sweep. */
    @WithDefault("PT30M")
    Duration validationStaleAfter();

    /** Files up to this size are validated within the complete request; larger ones answer 202 and validate behind. */
    @WithDefault("33554432")
    long syncValidationMaxBytes();

    /**
     * Small files' validations that run at the same time within complete requests (more requests wait
     * their turn): a burst of uploads must not take every core from the rest of the platform.
     */
    @WithDefault("2")
    int syncValidationConcurrency();

    /** Validations that run at the same time, behind 202 answers. */
    @WithDefault("2")
    int validationThreads();

    /**
     * Buckets of the store that {@code POST /datasets} may import an object from ({@code source.s3}),
     * copied inside the store with the service's own credentials; none by default.
     */
    Optional<Set<String>> importBuckets();

    /**
     * The longest an import from a URL or another S3 store may take, from the first request to the
     * last byte in the platform's store; past it the import is stopped and the dataset rejected.
     */
    @WithDefault("PT2H")
    Duration importTimeout();

    /** How long an import waits for the remote server to accept a connection. */
    @WithDefault("PT10S")
    Duration importConnectTimeout();

    /** How long an import waits for the remote server's next bytes before giving up on it. */
    @WithDefault("PT60S")
    Duration importReadTimeout();

    /**
     * Imports from plain-http URLs and endpoints; off in production, where only https is read (a
     * user's credentials and data would otherwise cross the network in the clear).
     */
    @WithDefault("false")
    boolean importAllowHttp();

    /**
     * Imports from loopback, private and link-local addresses; off in production, so that a user
     * cannot make the service read the platform's internal network. Local runs and tests turn it on.
     */
    @WithDefault("false")
    boolean importAllowPrivateAddresses();
}
