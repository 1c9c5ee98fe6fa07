package io.finetune.scheduler.entity;

import io.finetune.common.events.ModelCard;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A registered version of a model: what a succeeded job trained. Versions never change. */
@Entity
@Table(name = "model_version")
@IdClass(ModelVersion.Key.class)
public class ModelVersion extends PanacheEntityBase {

    @Id
    public String owner;
    @Id
    public String model;
    @Id
    public int version;
    @Column(name = "job_id")
    public UUID jobId;
    @Column(name = "job_name")
    public String jobName;
    /** The recipe of the job that trained it: a job of another recipe cannot continue from it. */
    public String recipe;
    /** The registered base model its job started from ({@code name:version}); null: none. */
    @Column(name = "base_model")
    public String baseModel;
    @Column(name = "artifact_uri")
    public String artifactUri;
    @Column(name = "dataset_id")
    public UUID datasetId;
    @Column(name = "dataset_sha256")
    public String datasetSha256;
    @JdbcTypeCode(SqlTypes.JSON)
    public ModelCard card;
    @Column(name = "registered_at")
    public Instant registeredAt;

    /** The highest version of the owner's model, if it has any. */
    public static Optional<ModelVersion> latest(String owner, String model) {
        return find("owner = ?1 and model = ?2 order by version desc", owner, model).firstResultOptional();
    }

    /** The composite primary key (owner, model, version). */
    public static class Key implements Serializable {
        public String owner;
        public String model;
        public int version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && version == k.version && Objects.equals(owner, k.owner)
                    && Objects.equals(model, k.model);
        }

        @Override
        public int hashCode() {
            return Objects.hash(owner, model, version);
        }
    }
}
