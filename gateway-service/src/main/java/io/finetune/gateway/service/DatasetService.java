package io.finetune.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.client.DatasetClient;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.rest.CreateDatasetRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

/** Datasets are dataset-service's: the gateway only routes, on behalf of the owner. */
@ApplicationScoped
public class DatasetService {

    private final DatasetClient datasets;

    public DatasetService(@RestClient DatasetClient datasets) {
        this.datasets = datasets;
    }

    /** dataset-service's status (201, or 202 for an import still validating) and body. */
    public RestResponse<JsonNode> create(String owner, CreateDatasetRequest request) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.create(owner, request));
    }

    public JsonNode list(String owner) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.list(owner));
    }

    public JsonNode get(String owner, UUID id) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.get(owner, id));
    }

    public JsonNode presignParts(String owner, UUID id, JsonNode request) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.presignParts(owner, id, request));
    }

    public JsonNode storedParts(String owner, UUID id) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.storedParts(owner, id));
    }

    /** dataset-service's status (200 done, 202 validating) and body. */
    public RestResponse<JsonNode> complete(String owner, UUID id, JsonNode request) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.complete(owner, id, request));
    }

    public void delete(String owner, UUID id) {
        Downstream.call(Downstream.DATASET_SERVICE, () -> {
            datasets.delete(owner, id);
            return null;
        });
    }
}
