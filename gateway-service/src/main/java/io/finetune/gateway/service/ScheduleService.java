package io.finetune.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.client.ScheduleClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Recurring training schedules, owned by scheduler-service, which checks them (cron, template) and
 * the owner: another user's schedule is its 404.
 */
@ApplicationScoped
public class ScheduleService {

    private final ScheduleClient scheduler;

    public ScheduleService(@RestClient ScheduleClient scheduler) {
        this.scheduler = scheduler;
    }

    public JsonNode create(String owner, JsonNode schedule) {
        return Downstream.call(Downstream.SCHEDULER_SERVICE, () -> scheduler.create(owner, schedule));
    }

    public JsonNode list(String owner) {
        return Downstream.call(Downstream.SCHEDULER_SERVICE, () -> scheduler.list(owner));
    }

    public JsonNode get(String owner, UUID id) {
        return Downstream.call(Downstream.SCHEDULER_SERVICE, () -> scheduler.get(owner, id));
    }

    public JsonNode replace(String owner, UUID id, JsonNode schedule) {
        return Downstream.call(Downstream.SCHEDULER_SERVICE, () -> scheduler.replace(owner, id, schedule));
    }

    public void delete(String owner, UUID id) {
        Downstream.call(Downstream.SCHEDULER_SERVICE, () -> {
            scheduler.delete(owner, id);
            return null;
        });
    }
}
