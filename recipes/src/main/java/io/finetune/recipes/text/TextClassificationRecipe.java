package io.finetune.recipes.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.ModelCard;
import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.CsvRecords;
import io.finetune.recipes.TrainingInputException;
import io.finetune.recipes.mlp.MlpClassificationRecipe;
import io.finetune.recipes.mlp.MlpHyperparameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Recipe#TEXT_CLASSIFICATION}: the {@code text} column is embedded once per row by the frozen
 * {@link SentenceEncoder}, and the shared MLP head ({@link MlpClassificationRecipe}) is trained on the
 * embeddings. Prediction embeds with the same encoder and runs the same head.
 */
@ApplicationScoped
public class TextClassificationRecipe extends MlpClassificationRecipe {

    private final SentenceEncoder encoder;

    public TextClassificationRecipe(ObjectMapper objectMapper, SentenceEncoder encoder) {
        super(objectMapper);
        this.encoder = encoder;
    }

    @Override
    public Recipe recipe() {
        return Recipe.TEXT_CLASSIFICATION;
    }

    @Override
    protected Examples read(InputStream dataset, MlpHyperparameters hp) throws IOException {
        int maxLength = hp.number("maxTextLength").intValue();
        List<String> texts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        try (CsvRecords csv = new CsvRecords(dataset)) {
            CsvRecords.Row header = csv.next();
            int textIndex = header == null ? -1 : header.cells().indexOf(Recipe.TEXT_COLUMN);
            int labelIndex = header == null ? -1 : header.cells().indexOf(Recipe.LABEL_COLUMN);
            if (textIndex < 0 || labelIndex < 0) {
                throw new TrainingInputException("The header needs a '" + Recipe.TEXT_COLUMN + "' and a '"
                        + Recipe.LABEL_COLUMN + "' column.");
            }
            int columns = header.cells().size();
            for (CsvRecords.Row row = csv.next(); row != null; row = csv.next()) {
                if (row.cells().size() == 1 && row.cells().get(0).isEmpty()) {
                    continue;
                }
                if (row.cells().size() != columns) {
                    throw new TrainingInputException("Line " + row.line() + " has " + row.cells().size()
                            + " columns; the header has " + columns + ".");
                }
                String text = row.cells().get(textIndex);
                String label = row.cells().get(labelIndex);
                if (text.isEmpty() || label.isEmpty()) {
                    throw new TrainingInputException("Line " + row.line() + " has an empty '"
                            + (text.isEmpty() ? Recipe.TEXT_COLUMN : Recipe.LABEL_COLUMN) + "'.");
                }
                if (text.length() > maxLength) {
                    throw new TrainingInputException("Line " + row.line() + ": the text is " + text.length()
                            + " characters long; maxTextLength is " + maxLength + ".");
                }
                texts.add(text);
                labels.add(label);
            }
        }
        // Before the encoder's work
        requireRows(texts.size());
        return new Examples(List.of(new ModelCard.Field(Recipe.TEXT_COLUMN, ModelCard.Field.TEXT, maxLength)),
                encoder.encode(texts), labels);
    }

    @Override
    protected List<float[]> vectors(List<Map<String, Object>> inputs, List<ModelCard.Field> fields) {
        String name = fields.get(0).name();
        return encoder.encode(inputs.stream().map(input -> (String) input.get(name)).toList());
    }

    @Override
    protected String baseModel() {
        return SentenceEncoder.NAME;
    }
}
