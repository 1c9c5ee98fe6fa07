package io.finetune.scheduler.entity;

import io.finetune.common.events.DatasetEvent;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** What the scheduler knows of a dataset, learnt from datasets.events (dataset-service owns the dataset). */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

    public static final String VALIDATED = "validated";
    public static final String REJECTED = "rejected";
    /** Why a training job cannot use a dataset uploaded for predictions, and what to do. */
    public static final String NOT_FOR_TRAINING = "the dataset was uploaded with purpose 'prediction' (inputs"
            + " without labels, for prediction jobs); a training job needs labelled rows: upload them as a dataset"
            + " with purpose 'training' (the default)";

    @Id
    public UUID id;
    public String owner;
    /** The dataset's name (unique per owner): recurring schedules pick the newest of a name prefix. */
    public String name;
    /** {@link #VALIDATED} or {@link #REJECTED}. */
    public String status;
    @Column(name = "object_key")
    public String objectKey;
    public Long rows;
    public Long bytes;
    /** The SHA-256 of the dataset's bytes, recorded in the model versions trained on it; null when unknown. */
    public String sha256;
    /** When its validation passed (the event's time); null when rejected or unknown. */
    @Column(name = "validated_at")
    public Instant validatedAt;
    /** {@code training} or {@code prediction} (inputs without labels); null before this was recorded. */
    public String purpose;
    /** The header's columns: a prediction job checks them against its model's inputs. */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> columns;
    /** The sequence of the dataset event this row reflects. */
    public long sequence;

    public boolean isValidated() {
        return VALIDATED.equals(status);
    }

    public boolean isForPrediction() {
        return DatasetEvent.PREDICTION.equals(purpose);
    }
}
