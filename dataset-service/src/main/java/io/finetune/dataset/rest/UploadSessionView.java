package io.finetune.dataset.rest;

import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import io.finetune.dataset.service.DatasetService.UploadSession;
import io.finetune.dataset.service.UploadPlan;
import java.time.Instant;
import java.util.UUID;

/**
 * The answer to {@code POST /datasets}: the new dataset and how to send its file. {@code upload} is
 * {@code single} (PUT the file to {@code uploadUrl} before {@code uploadExpiresAt}) or
 * {@code multipart} (presign parts 1..{@code partCount} of {@code partSize} bytes; {@code uploadId}
 * and {@code key} are what S3 clients such as Uppy's AwsS3 plugin track).
 */
public record UploadSessionView(
        UUID id,
        String name,
        DatasetStatus status,
        String upload,
        String uploadUrl,
        String uploadMethod,
        Instant uploadExpiresAt,
        String uploadId,
        String key,
        Long partSize,
        Integer partCount,
        Instant createdAt) {

    static UploadSessionView of(UploadSession session) {
        Dataset dataset = session.dataset();
        boolean multipart = dataset.uploadId != null;
        return new UploadSessionView(dataset.id, dataset.name, dataset.status,
                multipart ? UploadPlan.MULTIPART : UploadPlan.SINGLE, session.uploadUrl(), "PUT",
                session.uploadExpiresAt(), dataset.uploadId, dataset.objectKey, dataset.partSize, dataset.partCount,
                dataset.createdAt);
    }
}
