package io.finetune.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.common.webhooks.WebhookRules;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.client.WebhookClient;
import io.finetune.gateway.rest.CreateWebhookRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Webhooks are progress-service's (it sees the jobs finish): the gateway checks the form at the edge
 * and routes; progress-service applies the address policy and scopes everything by owner.
 */
@ApplicationScoped
public class WebhookService {

    private final WebhookClient webhooks;

    public WebhookService(@RestClient WebhookClient webhooks) {
        this.webhooks = webhooks;
    }

    public JsonNode create(String owner, CreateWebhookRequest request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        WebhookRules.urlProblem(request.url()).ifPresent(m -> errors.add(new Problem.FieldError("url", m)));
        WebhookRules.secretProblem(request.secret()).ifPresent(m -> errors.add(new Problem.FieldError("secret", m)));
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The webhook has invalid fields", errors);
        }
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> webhooks.create(owner, request));
    }

    public JsonNode list(String owner) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> webhooks.list(owner));
    }

    public JsonNode get(String owner, UUID id) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> webhooks.get(owner, id));
    }

    public void delete(String owner, UUID id) {
        Downstream.call(Downstream.PROGRESS_SERVICE, () -> {
            webhooks.delete(owner, id);
            return null;
        });
    }

    public JsonNode deliveries(String owner, UUID id) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> webhooks.deliveries(owner, id));
    }
}
