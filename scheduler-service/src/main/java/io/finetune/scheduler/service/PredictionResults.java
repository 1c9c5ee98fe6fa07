package io.finetune.scheduler.service;

import io.finetune.common.events.JobStatus;
import io.finetune.common.problem.ProblemException;
import io.finetune.scheduler.config.PredictionConfig;
import io.finetune.scheduler.entity.Job;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hands out a prediction job's result: a short-lived presigned GET URL of its predictions file, so the
 * bytes go from the store to the user and never through the platform's services.
 */
@ApplicationScoped
public class PredictionResults {

    private static final Pattern S3_URI = Pattern.compile("s3://([^/]+)/(.+)");

    private final MinioClient minio;
    private final PredictionConfig config;
    private final Clock clock;

    PredictionResults(MinioClient minio, PredictionConfig config, Clock clock) {
        this.minio = minio;
        this.config = config;
        this.clock = clock;
    }

    /** @param url GET it before {@code expiresAt}: the CSV file of the predictions */
    public record Download(UUID jobId, String url, Instant expiresAt) {
    }

    /**
     * @throws ProblemException 404 for no such prediction job of the owner (another owner's included),
     *         409 while it has not succeeded
     */
    @Transactional
    public Download download(String owner, UUID jobId) {
        Job job = Job.findById(jobId);
        if (job == null || !job.owner.equals(owner) || !job.isPrediction()) {
            throw new ProblemException(Response.Status.NOT_FOUND, "You have no prediction job with id " + jobId);
        }
        if (job.status != JobStatus.SUCCEEDED || job.resultUri == null) {
            throw new ProblemException(Response.Status.CONFLICT, "Prediction job '" + job.name + "' is "
                    + job.status.wireName() + (job.status.isTerminal() ? " and has no predictions"
                            : "; its predictions can be downloaded once it has succeeded"));
        }
        Matcher uri = S3_URI.matcher(job.resultUri);
        if (!uri.matches()) {
            throw new IllegalStateException("job " + jobId + " has a result that is no s3:// URI: " + job.resultUri);
        }
        Instant expiresAt = clock.now().plus(config.urlExpiry());
        try {
            String url = minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(uri.group(1))
                    .object(uri.group(2))
                    .expiry((int) config.urlExpiry().toSeconds())
                    // the browser saves it under a name that says what it is
                    .extraQueryParams(Map.of("response-content-disposition",
                            "attachment; filename=\"" + job.name + "-predictions.csv\""))
                    .build());
            return new Download(job.id, url, expiresAt);
        } catch (Exception e) {
            throw new IllegalStateException("cannot presign " + job.resultUri, e);
        }
    }
}
