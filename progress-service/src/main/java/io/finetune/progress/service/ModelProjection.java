package io.finetune.progress.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.common.events.ModelEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Folds {@code models.events} into {@code model_version_view}, in the transaction of
 * {@link JobProjection}'s batch. A version never changes once registered, so each row is inserted
 * once and a redelivery (or a replay) finds it there and changes nothing.
 */
@ApplicationScoped
public class ModelProjection {

    private static final String INSERT = """
            insert into model_version_view (owner, model, version, job_id, job_name, dataset_id, dataset_sha256,
                                            recipe, validation_accuracy, validation_loss, registered_at, card)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb))
            on conflict do nothing
            """;

    private final ObjectMapper json;

    public ModelProjection(ObjectMapper json) {
        this.json = json;
    }

    /** Answers the versions this batch registered in the view (those not there before). */
    List<ModelEvent> apply(Connection c, List<ModelEvent> events) throws SQLException {
        List<ModelEvent> registered = events.stream()
                .filter(e -> ModelEvent.VERSION_REGISTERED.equals(e.type()))
                // one lock order for every writer
                .sorted(Comparator.comparing(ModelEvent::owner).thenComparing(ModelEvent::model)
                        .thenComparingInt(ModelEvent::version))
                .toList();
        if (registered.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            for (ModelEvent e : registered) {
                ModelCard card = e.card();
                Map<String, Double> metrics = card == null || card.metrics() == null ? Map.of() : card.metrics();
                int i = 1;
                insert.setString(i++, e.owner());
                insert.setString(i++, e.model());
                insert.setInt(i++, e.version());
                insert.setObject(i++, e.jobId());
                insert.setString(i++, e.jobName());
                insert.setObject(i++, e.datasetId(), Types.OTHER);
                insert.setString(i++, e.datasetSha256());
                insert.setString(i++, card == null ? null : card.recipe());
                insert.setObject(i++, metrics.get(ModelCard.VALIDATION_ACCURACY), Types.DOUBLE);
                insert.setObject(i++, metrics.get(ModelCard.VALIDATION_LOSS), Types.DOUBLE);
                insert.setObject(i++, e.time().atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                insert.setString(i, toJson(card));
                insert.addBatch();
            }
            int[] counts = insert.executeBatch();
            List<ModelEvent> took = new ArrayList<>();
            for (int k = 0; k < counts.length; k++) {
                if (counts[k] > 0) {
                    took.add(registered.get(k));
                }
            }
            return took;
        }
    }

    private String toJson(ModelCard card) {
        try {
            return card == null ? null : json.writeValueAsString(card);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the model card is not JSON", e);
        }
    }
}
