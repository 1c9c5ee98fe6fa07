package io.finetune.recipes.support;

import io.finetune.common.basemodels.BaseModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** The committed TorchScript base model fixture, for the tests of every module that trains with it. */
public final class TestBaseModels {

    /**
     * {@code examples/base-models/tabular-base.pt} (made by {@code make-tabular-base.py}): a pretrained
     * backbone of 4 inputs and 16 outputs. Relative to a module's folder, where Surefire runs.
     */
    public static final Path TABULAR_BASE = Path.of("../examples/base-models/tabular-base.pt");
    public static final int INPUT_WIDTH = 4;
    public static final int OUTPUT_WIDTH = 16;

    private TestBaseModels() {
    }

    /** The registry's record of {@link #TABULAR_BASE} as version {@code version} of {@code name}. */
    public static BaseModel tabularBase(String name, int version) {
        try {
            byte[] bytes = Files.readAllBytes(TABULAR_BASE);
            return new BaseModel(name, version, BaseModel.FORMAT_TORCHSCRIPT, "tabular-classification", INPUT_WIDTH,
                    OUTPUT_WIDTH, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                    bytes.length, "test fixture", Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
