package io.finetune.dataset.rest;

import io.finetune.dataset.entity.DatasetStatus;
import io.finetune.dataset.service.DatasetService.UploadSession;
import java.time.Instant;
import java.util.UUID;

/** The answer to {@code POST /datasets}: the new dataset and where to send its file. */
public record UploadSessionView(
        UUID id,
        String name,
        DatasetStatus status,
        String uploadUrl,
        String uploadMethod,
        Instant uploadExpiresAt,
        Instant createdAt) {

    static UploadSessionView of(UploadSession session) {
        return new UploadSessionView(session.dataset().id, session.dataset().name, session.dataset().status,
                session.uploadUrl(), "PUT", session.uploadExpiresAt(), session.dataset().createdAt);
    }
}
