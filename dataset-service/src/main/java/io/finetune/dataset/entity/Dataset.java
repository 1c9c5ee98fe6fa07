package io.finetune.dataset.entity;

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
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A user's dataset: a named file in the object store and what its validation found. */
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

    @Column(name = "object_key", nullable = false)
    public String objectKey;

    /** Data rows, header excluded; null until the file has been validated. */
    public Long rows;

    public Long bytes;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> columns;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public List<ValidationProblem> problems = new ArrayList<>();

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Optional<Dataset> findOwned(UUID id, String owner) {
        return find("id = ?1 and owner = ?2", id, owner).firstResultOptional();
    }

    /** The row locked for update, so that two concurrent completions cannot both record a result. */
    public static Optional<Dataset> findOwnedForUpdate(UUID id, String owner) {
        return find("id = ?1 and owner = ?2", id, owner).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static boolean nameTaken(String owner, String name) {
        return count("owner = ?1 and name = ?2", owner, name) > 0;
    }

    public static List<Dataset> listOwned(String owner) {
        return list("owner", Sort.descending("createdAt").and("id"), owner);
    }
}
