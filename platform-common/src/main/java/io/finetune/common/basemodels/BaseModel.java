package io.finetune.common.basemodels;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One version of a pretrained base model in the registry: a TorchScript artifact an admin
 * registered in the object store, with what a recipe needs to build on it. Versions are
 * immutable; a job names one as {@code name:version} (or {@code name}, meaning the newest
 * version at submission, which the scheduler pins).
 *
 * <p>Layout in bucket {@link #BUCKET}: {@code <name>/<version>/model.pt} (the TorchScript module)
 * and {@code <name>/<version>/base-model.json} (this record). The keys derive from the validated
 * name and the number only.
 *
 * @param recipe the recipe that can start from it (its wire name)
 * @param inputWidth the width of the feature vector the module takes
 * @param outputWidth the width of the vector it returns, which the recipe's new head classifies
 * @param sha256 hex SHA-256 of {@code model.pt}; a trainer refuses a file that does not match
 */
public record BaseModel(
        String name,
        int version,
        String format,
        String recipe,
        int inputWidth,
        int outputWidth,
        String sha256,
        long bytes,
        String description,
        Instant registeredAt) {

    public static final String BUCKET = "base-models";
    public static final String FORMAT_TORCHSCRIPT = "torchscript";
    public static final String ARTIFACT_FILE = "model.pt";
    public static final String METADATA_FILE = "base-model.json";
    /** Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit: safe in an object key. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern REFERENCE = Pattern.compile("(" + NAME.pattern() + ")(?::([1-9][0-9]{0,8}))?");

    /** {@code name:version}, as a job, a dispatch and a model card name it. */
    public String reference() {
        return name + ":" + version;
    }

    public String artifactKey() {
        return artifactKey(name, version);
    }

    public String metadataKey() {
        return metadataKey(name, version);
    }

    public static String artifactKey(String name, int version) {
        return name + "/" + version + "/" + ARTIFACT_FILE;
    }

    public static String metadataKey(String name, int version) {
        return name + "/" + version + "/" + METADATA_FILE;
    }

    /**
     * A job's reference to a base model.
     *
     * @param version null: the newest version
     */
    public record Reference(String name, Integer version) {

        /** The rule a reference breaks when {@link #parse} finds none, for the user. */
        public static final String RULE = "must be a base model's name or name:version: 1..64 lower-case letters,"
                + " digits, '.', '_' and '-', starting with a letter or digit; the version a positive number";

        /** The reference in {@code value}, or empty when it is not {@code name} or {@code name:version}. */
        public static Optional<Reference> parse(String value) {
            if (value == null) {
                return Optional.empty();
            }
            Matcher m = REFERENCE.matcher(value);
            if (!m.matches()) {
                return Optional.empty();
            }
            return Optional.of(new Reference(m.group(1), m.group(2) == null ? null : Integer.valueOf(m.group(2))));
        }

        @Override
        public String toString() {
            return version == null ? name : name + ":" + version;
        }
    }
}
