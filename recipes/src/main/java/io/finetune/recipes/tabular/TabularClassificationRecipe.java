package io.finetune.recipes.tabular;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import io.finetune.recipes.mlp.MlpHyperparameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Recipe#TABULAR_CLASSIFICATION}: the numeric feature columns are the vector, standardized
 * and classified by the shared MLP ({@link MlpClassificationRecipe}).
 */
@ApplicationScoped
public class TabularClassificationRecipe extends MlpClassificationRecipe {

    public TabularClassificationRecipe(ObjectMapper objectMapper) {
        super(objectMapper);
    }

    @Override
    public Recipe recipe() {
        return Recipe.TABULAR_CLASSIFICATION;
    }

    @Override
    protected Examples read(InputStream dataset, MlpHyperparameters hp) throws IOException {
        return examples(LabeledTable.read(dataset));
    }

    /** Each row's feature cells are its vector. */
    public static Examples examples(LabeledTable table) {
        List<float[]> rows = new ArrayList<>(table.size());
        List<String> labels = new ArrayList<>(table.size());
        for (int i = 0; i < table.size(); i++) {
            rows.add(table.row(i));
            labels.add(table.label(i));
        }
        return new Examples(fields(table.featureNames()), rows, labels);
    }

    /** One number field per feature column, in the dataset's column order. */
    public static List<ModelCard.Field> fields(List<String> featureNames) {
        return featureNames.stream().map(name -> new ModelCard.Field(name, ModelCard.Field.NUMBER, null)).toList();
    }

    @Override
    protected List<float[]> vectors(List<Map<String, Object>> inputs, List<ModelCard.Field> fields) {
        List<float[]> vectors = new ArrayList<>(inputs.size());
        for (Map<String, Object> input : inputs) {
            float[] vector = new float[fields.size()];
            for (int f = 0; f < vector.length; f++) {
                // Parsed as the dataset's cells are: a float
                vector[f] = ((Number) input.get(fields.get(f).name())).floatValue();
            }
            vectors.add(vector);
        }
        return vectors;
    }

    @Override
    protected String baseModel() {
        return null;
    }
}
