package io.finetune.dataset.rest;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune.dataset.EventReader;
import io.finetune.dataset.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Datasets for prediction jobs ({@code purpose: prediction}): inputs without labels, validated with the
 * same cell checks as training data, through the real store, database and broker.
 */
@QuarkusTest
class PredictionDatasetTest {

    @Test
    void rowsWithoutLabelsAreAValidPredictionDatasetAndTheEventSaysSo() throws Exception {
        String owner = Api.newOwner();
        try (EventReader events = EventReader.fromNow()) {
            String id = upload(owner, "temperature,vibration\n71.5,0.3\n80,0.25\n").statusCode(200)
                    .body("status", equalTo("validated"))
                    .body("purpose", equalTo("prediction"))
                    .body("kind", equalTo("tabular"))
                    .body("rows", equalTo(2))
                    .body("columns", contains("temperature", "vibration"))
                    .body("problems", equalTo(List.of()))
                    .extract().path("id");
            Api.get(owner, id).statusCode(200).body("purpose", equalTo("prediction"));
            ConsumerRecord<String, String> validated = events.awaitType(id, "dataset.validated").get(0);
            assertTrue(validated.value().contains("\"purpose\":\"prediction\""), validated.value());
        }
    }

    @Test
    void aCellOfTheWrongTypeIsNamedWithItsLineAndColumn() throws Exception {
        JsonPath rejected = upload(Api.newOwner(), "temperature,vibration\n71.5,0.3\nhot,0.25\n").statusCode(200)
                .body("status", equalTo("rejected"))
                .extract().jsonPath();
        assertEquals(3, rejected.getInt("problems[0].line"));
        assertEquals("temperature", rejected.getString("problems[0].column"));
        assertTrue(rejected.getString("problems[0].message").contains("'hot' is not a number"),
                rejected.getString("problems[0].message"));
    }

    @Test
    void aLabelColumnIsAllowedAndNotChecked() throws Exception {
        // one row, one label value: a training dataset would be refused for both
        upload(Api.newOwner(), "temperature,label\n71.5,ok\n").statusCode(200)
                .body("status", equalTo("validated"))
                .body("classCounts", equalTo(Map.of()));
    }

    @Test
    void withoutAPurposeADatasetIsForTrainingAndNeedsItsLabels() throws Exception {
        String owner = Api.newOwner();
        JsonPath created = Api.create(owner, Map.of("name", Api.newName())).statusCode(201).extract().jsonPath();
        Api.get(owner, created.getString("id")).statusCode(200).body("purpose", equalTo("training"));
        Api.put(created.getString("uploadUrl"), "temperature,vibration\n71.5,0.3\n");
        Api.complete(owner, created.getString("id")).statusCode(200)
                .body("status", equalTo("rejected"))
                .body("problems.message", hasItem(containsString("no 'label' column")));
    }

    @Test
    void anUnknownPurposeIsAFieldError() {
        Api.create(Api.newOwner(), Map.of("name", Api.newName(), "purpose", "scoring")).statusCode(422)
                .body("errors.field", hasItem(containsString("purpose")));
    }

    private static io.restassured.response.ValidatableResponse upload(String owner, String csv) throws Exception {
        JsonPath created = Api.create(owner, Map.of("name", Api.newName(), "purpose", "prediction")).statusCode(201)
                .extract().jsonPath();
        Api.put(created.getString("uploadUrl"), csv);
        return Api.complete(owner, created.getString("id"));
    }
}
