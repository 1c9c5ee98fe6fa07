package io.finetune.recipes.text;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The frozen pretrained sentence encoder of the text recipe: all-MiniLM-L6-v2 (int8-quantized ONNX
 * and its tokenizer, shipped inside a Maven package, so nothing is downloaded at run time), mean
 * pooled and normalized to 384 dimensions. Loaded on first use: a trainer or server that never sees
 * a text job does not pay for it. Thread-safe.
 */
@ApplicationScoped
public class SentenceEncoder {

    /** The base model a text model's card names. */
    public static final String NAME = "all-MiniLM-L6-v2";

    private volatile EmbeddingModel model;

    /** One vector per text, in order. */
    public List<float[]> encode(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        return model().embedAll(segments).content().stream().map(Embedding::vector).toList();
    }

    private EmbeddingModel model() {
        EmbeddingModel loaded = model;
        if (loaded == null) {
            synchronized (this) {
                if (model == null) {
                    model = new AllMiniLmL6V2QuantizedEmbeddingModel();
                }
                loaded = model;
            }
        }
        return loaded;
    }
}
