package io.finetune.dataset.rest;

import static io.finetune.dataset.support.Api.newName;
import static io.finetune.dataset.support.Api.newOwner;
import static io.finetune.dataset.support.Api.uploadSingle;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.dataset.support.MalformedCorpus;
import io.finetune.dataset.support.MalformedCorpus.Case;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Every generated malformed file goes through the real path (create, presigned PUT, complete) and is
 * rejected with the message that tells the user what to fix, at the right line; none makes the
 * service fail (a 5xx would fail the status check).
 */
@QuarkusTest
class MalformedCorpusTest {

    @Test
    void everyMalformedFileIsRejectedWithItsMessage() throws Exception {
        List<Case> corpus = MalformedCorpus.cases();
        assertTrue(corpus.size() >= 30, "the corpus holds " + corpus.size() + " files");
        String owner = newOwner();
        StringBuilder failures = new StringBuilder();
        for (Case file : corpus) {
            JsonPath outcome = uploadSingle(owner, newName(), file.bytes()).statusCode(200)
                    .body("status", equalTo("rejected"))
                    .extract().jsonPath();
            List<Map<String, Object>> problems = outcome.getList("problems");
            boolean found = problems.stream().anyMatch(p -> String.valueOf(p.get("message")).contains(file.expected())
                    && Objects.equals(file.line(), p.get("line") == null ? null : ((Number) p.get("line")).longValue()));
            if (!found) {
                failures.append("\n").append(file.name()).append(": expected '").append(file.expected())
                        .append("' at line ").append(file.line()).append(", got ").append(problems);
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }
}
