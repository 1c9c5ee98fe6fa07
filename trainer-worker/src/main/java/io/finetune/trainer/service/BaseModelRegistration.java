package io.finetune.trainer.service;

import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/**
 * An admin registers a TorchScript file as the next version of a base model: the file is proven to be
 * a TorchScript module that takes {@code [1, inputWidth]} (a forward pass on zeros, which also gives
 * {@code outputWidth}), then {@code model.pt} is written and {@code base-model.json} last, so a version
 * is visible to jobs only once both are complete. Versions are 1 + the highest existing and are never
 * overwritten.
 */
@ApplicationScoped
public class BaseModelRegistration {

    private final BaseModelRegistry registry;
    private final ObjectMapper objectMapper;

    public BaseModelRegistration(BaseModelRegistry registry, ObjectMapper objectMapper) {
        this.registry = registry;
        this.objectMapper = objectMapper;
    }

    /** The file cannot be registered as asked; the message says why. */
    public static class RefusedException extends Exception {
        RefusedException(String message) {
            super(message);
        }
    }

    /** @return the new version's record, as stored in {@code base-model.json} */
    public BaseModel register(String name, Path file, String recipe, int inputWidth, String description)
            throws IOException, RefusedException {
        if (!BaseModel.NAME.matcher(name).matches()) {
            throw new RefusedException("'" + name + "' is not a base model name: " + BaseModel.NAME.pattern());
        }
        if (Recipe.fromWire(recipe).isEmpty()) {
            throw new RefusedException("unknown recipe '" + recipe + "'");
        }
        if (inputWidth < 1) {
            throw new RefusedException("the input width must be at least 1; got " + inputWidth);
        }
        if (!Files.isRegularFile(file)) {
            throw new RefusedException(file + " is not a file");
        }
        MessageDigest sha256 = BaseModelRegistry.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        int outputWidth = outputWidth(file, inputWidth);
        int version = registry.highestVersion(name) + 1;
        BaseModel model = new BaseModel(name, version, BaseModel.FORMAT_TORCHSCRIPT, recipe, inputWidth, outputWidth,
                HexFormat.of().formatHex(sha256.digest()), Files.size(file), description, Instant.now());
        // Another admin's registration of the same name in between: never overwrite what it wrote
        if (registry.exists(model.artifactKey()) || registry.exists(model.metadataKey())) {
            throw new RefusedException("version " + version + " of " + name + " was registered meanwhile; run again");
        }
        registry.upload(model.artifactKey(), file, "application/octet-stream");
        Path metadata = Files.createTempFile("base-model", ".json");
        try {
            objectMapper.writerWithDefaultPrettyPrinter().writeValue(metadata.toFile(), model);
            registry.upload(model.metadataKey(), metadata, "application/json");
        } finally {
            Files.delete(metadata);
        }
        return model;
    }

    /** Loads the file as the trainers do and runs it on zeros: the width of what it returns. */
    static int outputWidth(Path file, int inputWidth) throws RefusedException {
        try (Model model = Model.newInstance("base-model");
                NDManager manager = model.getNDManager().newSubManager()) {
            Block block;
            try {
                block = MlpClassificationRecipe.backbone(model, file);
            } catch (EngineException e) {
                throw new RefusedException(file + " is not a TorchScript module: " + firstLine(e));
            }
            Shape out;
            try {
                out = block.forward(new ParameterStore(manager, false),
                        new NDList(manager.zeros(new Shape(1, inputWidth))), false).singletonOrThrow().getShape();
            } catch (EngineException | IndexOutOfBoundsException | IllegalArgumentException e) {
                throw new RefusedException("the module does not take one row of " + inputWidth + " inputs ([1, "
                        + inputWidth + "]): " + firstLine(e));
            }
            if (out.dimension() != 2 || out.get(0) != 1) {
                throw new RefusedException("the module returns shape " + out + " for [1, " + inputWidth
                        + "]; a base model returns one vector per row ([1, n])");
            }
            return (int) out.get(1);
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
