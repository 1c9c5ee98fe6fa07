package io.finetune.recipes.mlp;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.finetune.common.events.ModelCard;
import io.finetune.recipes.Prediction;
import io.finetune.recipes.TrainedModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A loaded MLP classifier. Each {@link #predict} call checks the inputs against the schema, turns
 * them into vectors with the recipe's code, standardizes them with the model's {@link Normalization}
 * and runs a {@link Predictor} of its own: DJL predictors are not thread-safe, the model is.
 */
final class MlpModel implements TrainedModel {

    private final Model model;
    private final ModelDescriptor descriptor;
    private final Function<List<Map<String, Object>>, List<float[]>> vectors;

    /** @param vectors the recipe's inputs-to-vectors step, before normalization; called with checked inputs */
    MlpModel(Model model, ModelDescriptor descriptor, Function<List<Map<String, Object>>, List<float[]>> vectors) {
        this.model = model;
        this.descriptor = descriptor;
        this.vectors = vectors;
    }

    @Override
    public ModelCard.ModelSchema schema() {
        return descriptor.toSchema();
    }

    @Override
    public List<Prediction> predict(List<Map<String, Object>> inputs) {
        InputCheck.check(descriptor.inputs(), inputs);
        if (inputs.isEmpty()) {
            return List.of();
        }
        float[] x = MlpClassificationRecipe.standardized(vectors.apply(inputs), descriptor.normalization());
        float[][] probabilities;
        try (Predictor<float[], float[][]> predictor = model.newPredictor(new Probabilities(inputs.size()))) {
            probabilities = predictor.predict(x);
        } catch (TranslateException e) {
            throw new IllegalStateException("prediction failed", e);
        }
        List<String> classes = descriptor.classes();
        List<Prediction> predictions = new ArrayList<>(probabilities.length);
        for (float[] row : probabilities) {
            Map<String, Double> byClass = new LinkedHashMap<>();
            int best = 0;
            for (int c = 0; c < row.length; c++) {
                byClass.put(classes.get(c), (double) row[c]);
                best = row[c] > row[best] ? c : best;
            }
            predictions.add(new Prediction(classes.get(best), byClass));
        }
        return predictions;
    }

    @Override
    public void close() {
        model.close();
    }

    /** Standardized rows in, softmax probabilities out; the arrays live in the predictor's own manager. */
    private record Probabilities(int rows) implements NoBatchifyTranslator<float[], float[][]> {

        @Override
        public NDList processInput(TranslatorContext ctx, float[] x) {
            return new NDList(ctx.getNDManager().create(x, new Shape(rows, x.length / rows)));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            NDArray probabilities = list.singletonOrThrow().softmax(1);
            int classes = (int) probabilities.getShape().get(1);
            float[] flat = probabilities.toFloatArray();
            float[][] out = new float[rows][classes];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(flat, r * classes, out[r], 0, classes);
            }
            return out;
        }
    }
}
