package io.finetune.scheduler.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.finetune.common.problem.Problem;
import io.finetune.scheduler.support.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schedules' REST API: create, read, replace, delete, owner-scoped, with field errors as problem+json. */
@QuarkusTest
class ScheduleResourceTest {

    private static RequestSpecification as(String owner) {
        return given().contentType(ContentType.JSON).header(JobResource.OWNER_HEADER, owner);
    }

    private static Map<String, Object> schedule(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("cron", "0 3 * * *");
        body.put("datasetPrefix", "churn-");
        body.put("epochs", 2);
        body.put("sla", "PT2H");
        return body;
    }

    @Test
    void createsReadsReplacesAndDeletesTheOwnersSchedule() {
        String owner = TestData.randomOwner();
        String id = as(owner).body(schedule("daily-churn")).post("/schedules").then()
                .statusCode(201)
                .body("name", equalTo("daily-churn"))
                .body("model", equalTo("daily-churn"))
                .body("timeZone", equalTo("UTC"))
                .body("recipe", equalTo("tabular-classification"))
                .body("sla", equalTo("PT2H"))
                .body("maxRetries", equalTo(3))
                .body("enabled", equalTo(true))
                .body("nextFireAt", containsString("T03:00:00Z"))
                .body("runs", empty())
                .extract().path("id");

        as(owner).get("/schedules/" + id).then().statusCode(200).body("cron", equalTo("0 3 * * *"));
        as(owner).get("/schedules").then().statusCode(200).body("name", hasItems("daily-churn"));

        Map<String, Object> changed = schedule("daily-churn");
        changed.put("cron", "15 4 * * 1-5");
        changed.put("timeZone", "Europe/Zurich");
        changed.put("enabled", false);
        as(owner).body(changed).put("/schedules/" + id).then().statusCode(200)
                .body("cron", equalTo("15 4 * * 1-5"))
                .body("timeZone", equalTo("Europe/Zurich"))
                .body("enabled", equalTo(false))
                .body("nextFireAt", equalTo(null));
        changed.put("enabled", true);
        as(owner).body(changed).put("/schedules/" + id).then().statusCode(200).body("nextFireAt", notNullValue());

        as(owner).delete("/schedules/" + id).then().statusCode(204);
        as(owner).get("/schedules/" + id).then().statusCode(404);
    }

    @Test
    void anotherOwnersScheduleIsNotFound() {
        String owner = TestData.randomOwner();
        String id = as(owner).body(schedule("mine")).post("/schedules").then().statusCode(201).extract().path("id");
        String stranger = TestData.randomOwner();
        as(stranger).get("/schedules/" + id).then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        as(stranger).body(schedule("mine")).put("/schedules/" + id).then().statusCode(404);
        as(stranger).delete("/schedules/" + id).then().statusCode(404);
        as(stranger).get("/schedules").then().statusCode(200).body("$", hasSize(0));
        as(owner).get("/schedules/" + id).then().statusCode(200);
    }

    @Test
    void aBadCronAndOtherBadFieldsAre422NamingEachField() {
        Map<String, Object> body = schedule("bad");
        body.put("cron", "every day at three");
        body.put("timeZone", "Mars/Olympus");
        body.put("sla", "2 hours");
        body.put("recipe", "magic");
        body.put("epochs", 0);
        as(TestData.randomOwner()).body(body).post("/schedules").then()
                .statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors.field", hasItems("cron", "timeZone", "sla", "recipe", "epochs"))
                .body("errors.find { it.field == 'cron' }.message", containsString("Unix cron"));

        Map<String, Object> sixFields = schedule("quartz");
        sixFields.put("cron", "0 0 3 * * ?");
        as(TestData.randomOwner()).body(sixFields).post("/schedules").then()
                .statusCode(422).body("errors.field", hasItem("cron")).body("errors.field", not(hasItem("name")));

        Map<String, Object> badParameter = schedule("hp");
        badParameter.put("hyperparameters", Map.of("learningRate", -1));
        as(TestData.randomOwner()).body(badParameter).post("/schedules").then()
                .statusCode(422).body("errors.field", hasItem("hyperparameters.learningRate"));
    }

    @Test
    void aNameTakenIs409AndNoOwnerIs401() {
        String owner = TestData.randomOwner();
        as(owner).body(schedule("twice")).post("/schedules").then().statusCode(201);
        as(owner).body(schedule("twice")).post("/schedules").then().statusCode(409)
                .body("errors.field", hasItem("name"));
        given().contentType(ContentType.JSON).body(schedule("anonymous")).post("/schedules").then().statusCode(401);
    }
}
