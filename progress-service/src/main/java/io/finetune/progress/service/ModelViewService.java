package io.finetune.progress.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.common.problem.ProblemException;
import io.finetune.progress.config.ProgressConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Answers the owner's questions about their models from the models view (docs/models.md). Every
 * query is scoped by owner: another owner's model does not exist here. A model's latest version is
 * flagged {@code stale} past {@code progress.models.stale-after}, and {@code accuracyDropped} when its
 * validation accuracy fell by more than {@code progress.models.accuracy-drop} from the previous version.
 */
@ApplicationScoped
public class ModelViewService {

    /** Each model's latest version and the previous version's accuracy (null when there is none). */
    private static final String LATEST = """
            select m.owner, m.model, m.version, m.recipe, m.validation_accuracy, m.registered_at,
                   (select p.validation_accuracy from model_version_view p
                    where p.owner = m.owner and p.model = m.model and p.version < m.version
                    order by p.version desc limit 1) as previous_accuracy,
                   exists (select 1 from model_version_view p
                           where p.owner = m.owner and p.model = m.model and p.version < m.version) as has_previous
            from (select distinct on (owner, model) * from model_version_view
                  where (cast(? as text) is null or owner = ?) and (cast(? as text) is null or model = ?)
                  order by owner, model, version desc) m
            order by m.owner, m.model
            """;

    private final DataSource db;
    private final ObjectMapper json;
    private final ProgressConfig config;

    public ModelViewService(DataSource db, ObjectMapper json, ProgressConfig config) {
        this.db = db;
        this.json = json;
        this.config = config;
    }

    /** The owner's models, ordered by name. */
    public List<ModelSummary> list(String owner) {
        Instant now = Instant.now();
        return latest(owner, null).stream().map(l -> new ModelSummary(l.model(), l.version(), l.recipe(),
                l.validationAccuracy(), l.registeredAt(), stale(l, now), accuracyDropped(l))).toList();
    }

    /** One of the owner's models with its versions ascending; 404 when the owner has no such model. */
    public ModelDetail get(String owner, String name) {
        Latest latest = latest(owner, name).stream().findFirst()
                .orElseThrow(() -> ProblemException.notFound("Model " + name));
        List<ModelDetail.Version> versions = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                select version, registered_at, job_id, job_name, validation_accuracy, validation_loss
                from model_version_view where owner = ? and model = ? order by version
                """)) {
            s.setString(1, owner);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.add(new ModelDetail.Version(rs.getInt(1), instant(rs, 2), rs.getObject(3, UUID.class),
                            rs.getString(4), rs.getObject(5, Double.class), rs.getObject(6, Double.class)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Instant now = Instant.now();
        return new ModelDetail(name, latest.version(), latest.recipe(), stale(latest, now), accuracyDropped(latest),
                versions, meanAccuracySince(versions, now.minus(Duration.ofDays(7))));
    }

    /** The mean validation accuracy of the versions registered since {@code since}; null when none. */
    static Double meanAccuracySince(List<ModelDetail.Version> versions, Instant since) {
        OptionalDouble mean = versions.stream()
                .filter(v -> v.validationAccuracy() != null && !v.registeredAt().isBefore(since))
                .mapToDouble(ModelDetail.Version::validationAccuracy).average();
        return mean.isPresent() ? mean.getAsDouble() : null;
    }

    /**
     * One version of the owner's model, or its latest when {@code version} is empty; 404 when the
     * owner has no such model or version.
     */
    public ModelVersionDetail version(String owner, String name, OptionalInt version) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                select version, registered_at, job_id, job_name, dataset_id, dataset_sha256, card
                from model_version_view where owner = ? and model = ? and (? or version = ?)
                order by version desc limit 1
                """)) {
            s.setString(1, owner);
            s.setString(2, name);
            s.setBoolean(3, version.isEmpty());
            s.setInt(4, version.orElse(0));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("Model " + name + " version "
                            + (version.isEmpty() ? "latest" : version.getAsInt()));
                }
                return new ModelVersionDetail(name, rs.getInt(1), instant(rs, 2), rs.getObject(3, UUID.class),
                        rs.getString(4), rs.getObject(5, UUID.class), rs.getString(6), card(rs.getString(7)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The latest version of each model, of one owner (or all when null), of one model (or all when null). */
    public List<Latest> latest(String owner, String model) {
        List<Latest> result = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(LATEST)) {
            s.setString(1, owner);
            s.setString(2, owner);
            s.setString(3, model);
            s.setString(4, model);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Latest(rs.getString("owner"), rs.getString("model"), rs.getInt("version"),
                            rs.getString("recipe"), rs.getObject("validation_accuracy", Double.class),
                            instant(rs, "registered_at"), rs.getObject("previous_accuracy", Double.class),
                            rs.getBoolean("has_previous")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    private boolean stale(Latest latest, Instant now) {
        return latest.registeredAt().isBefore(now.minus(config.models().staleAfter()));
    }

    private boolean accuracyDropped(Latest latest) {
        return latest.validationAccuracy() != null && latest.previousAccuracy() != null
                && latest.previousAccuracy() - latest.validationAccuracy() > config.models().accuracyDrop();
    }

    private ModelCard card(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, ModelCard.class);
        } catch (IOException e) {
            throw new IllegalStateException("a stored model card is not JSON: " + text, e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    /**
     * A model's latest version.
     *
     * @param previousAccuracy the previous version's validation accuracy; null when unknown or absent
     * @param hasPrevious whether the model has a version before this one
     */
    public record Latest(String owner, String model, int version, String recipe, Double validationAccuracy,
            Instant registeredAt, Double previousAccuracy, boolean hasPrevious) {
    }
}
