package io.finetune.common.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bad request bodies are explained in the caller's terms, never with our Java type names. */
class ProblemMappersTest {

    record Part(int partNumber, String etag, boolean last, UUID upload) {
    }

    record Request(String name, long size, List<Part> parts) {
    }

    private final ObjectMapper mapper = new ObjectMapper();

    private String explain(String json) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> mapper.readValue(json, Request.class));
        String message = ProblemMappers.expectation(e);
        assertFalse(message.contains("io.finetune") || message.contains("java.") || message.contains("`"),
                "names an internal type: " + message);
        return message;
    }

    @Test
    void saysWhatEachFieldMustBe() {
        assertEquals("must be a JSON object", explain("[]"));
        assertEquals("must be a whole number", explain("{\"size\": \"lots\"}"));
        assertEquals("must be an array", explain("{\"parts\": \"x\"}"));
        assertEquals("must be a JSON object", explain("{\"parts\": [1]}"));
        assertEquals("must be true or false", explain("{\"parts\": [{\"last\": \"maybe\"}]}"));
        assertEquals("must be a UUID such as 3f2b6a0e-8c1d-4e5f-9a7b-1c2d3e4f5a6b",
                explain("{\"parts\": [{\"upload\": \"not-a-uuid\"}]}"));
    }

    @Test
    void pointsAtMalformedJson() {
        assertEquals("is not well-formed JSON at line 2, column 11", explain("{\"name\": \"a\",\n \"size\": 1x}"));
    }
}
