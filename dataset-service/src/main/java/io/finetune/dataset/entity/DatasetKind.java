package io.finetune.dataset.entity;

import com.fasterxml.jackson.annotation.JsonValue;
import io.finetune.common.recipes.Recipe;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;

/**
 * The schema a dataset has, which says the recipes that can train on it: read from the file's header
 * by the validation (a {@code text} column makes a text dataset).
 */
public enum DatasetKind {
    /** Numeric feature columns and a {@code label}: {@link Recipe#TABULAR_CLASSIFICATION}. */
    TABULAR,
    /** A {@code text} column and a {@code label}: {@link Recipe#TEXT_CLASSIFICATION}. */
    TEXT;

    /** The name on the wire and in the database: {@code tabular} or {@code text}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DatasetKind fromWire(String value) {
        return Arrays.stream(values())
                .filter(k -> k.wireName().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dataset kind " + value));
    }

    /** Stores the wire name, so that the database reads the same as the API. */
    @Converter(autoApply = true)
    public static class JpaConverter implements AttributeConverter<DatasetKind, String> {

        @Override
        public String convertToDatabaseColumn(DatasetKind kind) {
            return kind == null ? null : kind.wireName();
        }

        @Override
        public DatasetKind convertToEntityAttribute(String value) {
            return value == null ? null : fromWire(value);
        }
    }
}
