package io.finetune.dataset.entity;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a dataset is in its life: created (awaiting its upload, or importing), validating once its
 * file is complete in the store, then validated or rejected.
 */
public enum DatasetStatus {
    AWAITING_UPLOAD,
    /** The service itself copies the file in from a URL or another store; validating follows. */
    IMPORTING,
    /** The upload is complete and the file is being read; validated or rejected follows. */
    VALIDATING,
    VALIDATED,
    REJECTED;

    /** The file is not complete in the store yet. */
    public boolean beforeUpload() {
        return this == AWAITING_UPLOAD || this == IMPORTING;
    }

    /** The name on the wire and in the database, e.g. {@code awaiting_upload}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DatasetStatus fromWire(String value) {
        return Arrays.stream(values())
                .filter(s -> s.wireName().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dataset status " + value));
    }

    /** Stores the wire name, so that the database reads the same as the API. */
    @Converter(autoApply = true)
    public static class JpaConverter implements AttributeConverter<DatasetStatus, String> {

        @Override
        public String convertToDatabaseColumn(DatasetStatus status) {
            return status == null ? null : status.wireName();
        }

        @Override
        public DatasetStatus convertToEntityAttribute(String value) {
            return value == null ? null : fromWire(value);
        }
    }
}
