package io.finetune.dataset.entity;

import io.finetune.common.events.DatasetEvent;
import io.finetune.common.events.ValidationProblem;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A user's dataset: a named file in the object store, how it is being uploaded, and what its validation found. */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public DatasetStatus status;

    /** When {@link #status} last changed: the sweep finds abandoned uploads and stuck validations by it. */
    @Column(name = "status_since", nullable = false)
    public Instant statusSince;

    /** Where the bytes are; after a duplicate upload, another dataset's key (the object is shared). */
    @Column(name = "object_key", nullable = false)
    public String objectKey;

    /** The S3 multipart upload in progress; null for a single PUT and once completed or aborted. */
    @Column(name = "upload_id")
    public String uploadId;

    @Column(name = "declared_bytes")
    public Long declaredBytes;

    @Column(name = "content_type")
    public String contentType;

    @Column(name = "part_size")
    public Long partSize;

    @Column(name = "part_count")
    public Integer partCount;

    /** Data rows, header excluded; null until the file has been validated. */
    public Long rows;

    public Long bytes;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> columns;

    /** {@code training} (labelled rows) or {@code prediction} (inputs for a prediction job, labels optional). */
    @Column(nullable = false)
    public String purpose = DatasetEvent.TRAINING;

    /** Where an import read the file (a URL without its query, or {@code s3://bucket/key at host}); null for an upload. */
    public String source;

    /** The schema validation found (tabular or text); null until validated or when the file had no header. */
    public DatasetKind kind;

    /** e.g. {@code csv}, {@code jsonl+gzip}; null until validated. */
    public String format;

    /** Rows per label; null until validated. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "class_counts")
    public Map<String, Long> classCounts;

    /** Hex SHA-256 of the object's bytes as stored; null until validated. */
    public String sha256;

    /** The owner's earlier dataset with the same bytes, whose object this one shares; null otherwise. */
    @Column(name = "duplicate_of")
    public UUID duplicateOf;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public List<ValidationProblem> problems = new ArrayList<>();

    /** The last sequence number published for this dataset on datasets.events. */
    @Column(nullable = false)
    public long sequence;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Optional<Dataset> findOwned(UUID id, String owner) {
        return find("id = ?1 and owner = ?2", id, owner).firstResultOptional();
    }

    /** The row locked for update, so that two concurrent requests cannot both move it on. */
    public static Optional<Dataset> findOwnedForUpdate(UUID id, String owner) {
        return find("id = ?1 and owner = ?2", id, owner).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static Optional<Dataset> findForUpdate(UUID id) {
        return find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static boolean nameTaken(String owner, String name) {
        return count("owner = ?1 and name = ?2", owner, name) > 0;
    }

    public static List<Dataset> listOwned(String owner) {
        return list("owner", Sort.descending("createdAt").and("id"), owner);
    }

    /** An earlier dataset of the owner with exactly this content and a validation outcome. */
    public static Optional<Dataset> findSameContent(String owner, String sha256, UUID except) {
        return find("owner = ?1 and sha256 = ?2 and id <> ?3 and status in ?4 order by createdAt", owner, sha256,
                except, List.of(DatasetStatus.VALIDATED, DatasetStatus.REJECTED)).firstResultOptional();
    }

    /** Whether a dataset other than {@code except} still points at {@code objectKey}. */
    public static boolean objectShared(String objectKey, UUID except) {
        return count("objectKey = ?1 and id <> ?2", objectKey, except) > 0;
    }

    public static List<Dataset> inStatusSince(DatasetStatus status, Instant before) {
        return list("status = ?1 and statusSince < ?2", status, before);
    }
}
