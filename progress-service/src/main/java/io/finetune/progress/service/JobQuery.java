package io.finetune.progress.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A list request: filters (all optional), the sort and one page.
 *
 * @param statuses any of these statuses (empty: all)
 * @param namePrefix names starting with it
 * @param nameExact exactly this name (the UI's "you already have a job with this name")
 * @param queuedFrom queued at or after (inclusive)
 * @param queuedTo queued before (exclusive)
 * @param after where the previous page ended, or null for the first page
 */
public record JobQuery(
        Set<String> statuses,
        String namePrefix,
        String nameExact,
        Instant queuedFrom,
        Instant queuedTo,
        SortField sort,
        boolean descending,
        int limit,
        Cursor after) {

    /** The sorts the list offers; each breaks ties by job id, so pages never overlap or skip. */
    public enum SortField {
        CREATED_AT("createdAt", "v.created_at", true),
        /** Jobs not queued yet (validating) sort by their creation time. */
        QUEUED_AT("queuedAt", "coalesce(v.queued_at, v.created_at)", true),
        NAME("name", "v.name", false),
        STATUS("status", "v.status", false);

        public final String param;
        final String expression;
        final boolean time;

        SortField(String param, String expression, boolean time) {
            this.param = param;
            this.expression = expression;
            this.time = time;
        }

        public static SortField fromParam(String value) {
            for (SortField field : values()) {
                if (field.param.equals(value)) {
                    return field;
                }
            }
            return null;
        }
    }

    /** The sort key and id of the last job of a page; opaque to clients (base64url). */
    public record Cursor(SortField sort, boolean descending, String key, UUID id) {

        public String encode() {
            String plain = sort.param + "|" + (descending ? "desc" : "asc") + "|" + id + "|" + key;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        /** The cursor, or empty when the text is not one this service made. */
        public static Optional<Cursor> decode(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\|", 4);
                SortField sort = SortField.fromParam(parts[0]);
                if (parts.length < 4 || sort == null || !(parts[1].equals("asc") || parts[1].equals("desc"))) {
                    return Optional.empty();
                }
                if (sort.time) {
                    Instant.parse(parts[3]);
                }
                return Optional.of(new Cursor(sort, parts[1].equals("desc"), parts[3], UUID.fromString(parts[2])));
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }
}
