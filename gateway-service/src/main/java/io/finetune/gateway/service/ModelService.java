package io.finetune.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.client.ProgressClient;
import io.finetune.gateway.client.ServingClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Models (docs/models.md): their versions are read from progress-service's models view, predictions
 * are served by serving-service. Both check the owner: another user's model is their 404.
 */
@ApplicationScoped
public class ModelService {

    private final ProgressClient progress;
    private final ServingClient serving;

    public ModelService(@RestClient ProgressClient progress, @RestClient ServingClient serving) {
        this.progress = progress;
        this.serving = serving;
    }

    public JsonNode list(String owner) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> progress.models(owner));
    }

    public JsonNode get(String owner, String name) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> progress.model(owner, name));
    }

    /** @param version a version number or {@code latest} */
    public JsonNode version(String owner, String name, String version) {
        return Downstream.call(Downstream.PROGRESS_SERVICE, () -> progress.modelVersion(owner, name, version));
    }

    /** @param version a version number, {@code latest}, or null for serving-service's default (latest) */
    public JsonNode predict(String owner, String name, String version, JsonNode request) {
        return Downstream.call(Downstream.SERVING_SERVICE, () -> serving.predict(owner, name, version, request));
    }
}
