package io.finetune.gateway.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rejectedDatasetIsUnprocessableWithItsProblems() throws Exception {
        JsonNode dataset = JSON.readTree("""
                {"id": "d1", "name": "sales", "status": "rejected", "problems": [
                  {"line": null, "column": null, "message": "the header has no label column"},
                  {"line": 12, "column": "amount", "message": "not a number: 'abc'"}]}
                """);

        Problem problem = assertThrows(ProblemException.class, () -> JobService.checkTrainable(dataset)).problem();

        assertEquals(422, problem.status());
        assertTrue(problem.detail().contains("sales"), problem.detail());
        assertTrue(problem.detail().contains("line 12, column amount: not a number: 'abc'"), problem.detail());
        assertEquals(List.of("datasetId", "datasetId", "datasetId"),
                problem.errors().stream().map(Problem.FieldError::field).toList());
        assertEquals("the header has no label column", problem.errors().get(1).message());
    }

    @Test
    void datasetAwaitingItsUploadIsUnprocessable() throws Exception {
        JsonNode dataset = JSON.readTree("{\"name\": \"sales\", \"status\": \"awaiting_upload\"}");

        Problem problem = assertThrows(ProblemException.class, () -> JobService.checkTrainable(dataset)).problem();

        assertEquals(422, problem.status());
        assertTrue(problem.detail().contains("complete the upload first"), problem.detail());
        assertEquals("datasetId", problem.errors().get(0).field());
    }

    @Test
    void validatedOrValidatingDatasetMayBeTrainedOn() throws Exception {
        for (String status : List.of("validated", "validating")) {
            JsonNode dataset = JSON.readTree("{\"name\": \"sales\", \"status\": \"" + status + "\"}");
            assertDoesNotThrow(() -> JobService.checkTrainable(dataset));
        }
    }

    @Test
    void recipeIsOptionalButMustBeKnown() {
        assertDoesNotThrow(() -> JobService.checkRecipe(null, null));
        assertDoesNotThrow(() -> JobService.checkRecipe("tabular-classification", null));
        Problem problem = assertThrows(ProblemException.class,
                () -> JobService.checkRecipe("gpt-from-scratch", null)).problem();
        assertEquals("recipe", problem.errors().get(0).field());
    }

    @Test
    void aBaseModelMustHaveItsFormAndARecipeThatTakesOne() {
        assertDoesNotThrow(() -> JobService.checkRecipe(null, "backbone"));
        assertDoesNotThrow(() -> JobService.checkRecipe("tabular-classification", "backbone:2"));
        for (String recipe : java.util.Arrays.asList(null, "tabular-classification")) {
            Problem malformed = assertThrows(ProblemException.class,
                    () -> JobService.checkRecipe(recipe, "Backbone:v2")).problem();
            assertEquals("baseModel", malformed.errors().get(0).field());
        }
        Problem builtIn = assertThrows(ProblemException.class,
                () -> JobService.checkRecipe("text-classification", "backbone")).problem();
        assertEquals("baseModel", builtIn.errors().get(0).field());
    }

    @Test
    void namedKeepsOnlyTheJobsOfThatExactName() throws Exception {
        JsonNode jobs = new ObjectMapper().readTree(
                "[{\"name\":\"a\"},{\"name\":\"ab\"},{\"name\":\"A\"},{}]");
        assertEquals(1, JobService.named(jobs, "a").size());
        assertEquals("a", JobService.named(jobs, "a").get(0).path("name").asText());
        assertEquals(0, JobService.named(jobs, "b").size());
    }
}
