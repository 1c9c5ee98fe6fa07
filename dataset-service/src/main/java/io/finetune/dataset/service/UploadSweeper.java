package io.finetune.dataset.service;

import io.finetune.dataset.config.DatasetConfig;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Cleans up after clients that went away: deletes datasets whose upload was not completed within
 * {@code dataset.abandon-after} (aborting the multipart upload drops its parts), and starts again
 * validations left unfinished for {@code dataset.validation-stale-after} (an instance that stopped),
 * and rejects imports that stopped with their instance ({@link DatasetImports#rejectStopped}).
 */
@ApplicationScoped
public class UploadSweeper {

    private static final Logger LOG = Logger.getLogger(UploadSweeper.class);

    private final DatasetService datasets;
    private final DatasetImports imports;
    private final ValidationRunner validation;
    private final DatasetConfig config;

    public UploadSweeper(DatasetService datasets, DatasetImports imports, ValidationRunner validation,
            DatasetConfig config) {
        this.datasets = datasets;
        this.imports = imports;
        this.validation = validation;
        this.config = config;
    }

    @Scheduled(every = "${dataset.sweep-every}", delayed = "${dataset.sweep-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        sweep(Instant.now());
    }

    /** One pass as of {@code now}; answers how many abandoned uploads it deleted. */
    public int sweep(Instant now) {
        List<UUID> abandoned = idsIn(DatasetStatus.AWAITING_UPLOAD, now.minus(config.abandonAfter()));
        int deleted = 0;
        for (UUID id : abandoned) {
            try {
                if (datasets.deleteNow(id)) {
                    deleted++;
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not delete abandoned dataset %s; the next sweep tries again", id);
            }
        }
        for (UUID id : idsIn(DatasetStatus.VALIDATING, now.minus(config.validationStaleAfter()))) {
            if (!validation.isRunning(id)) {
                LOG.infof("Validating dataset %s again: its validation did not finish", id);
                validation.submit(id);
            }
        }
        if (deleted > 0) {
            LOG.infof("Deleted %d abandoned upload(s)", deleted);
        }
        int stopped = imports.rejectStopped(now);
        if (stopped > 0) {
            LOG.infof("Rejected %d import(s) that stopped with their instance", stopped);
        }
        return deleted;
    }

    private static List<UUID> idsIn(DatasetStatus status, Instant before) {
        return QuarkusTransaction.requiringNew().call(
                () -> Dataset.inStatusSince(status, before).stream().map(d -> d.id).toList());
    }
}
