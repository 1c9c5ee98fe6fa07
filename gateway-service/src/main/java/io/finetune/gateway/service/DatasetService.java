package io.finetune.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.client.DatasetClient;
import io.finetune.gateway.client.Downstream;
import io.finetune.gateway.rest.CreateDatasetRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Datasets are dataset-service's: the gateway only routes, on behalf of the owner. */
@ApplicationScoped
public class DatasetService {

    private final DatasetClient datasets;

    public DatasetService(@RestClient DatasetClient datasets) {
        this.datasets = datasets;
    }

    public JsonNode create(String owner, CreateDatasetRequest request) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.create(owner, request));
    }

    public JsonNode list(String owner) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.list(owner));
    }

    public JsonNode get(String owner, UUID id) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.get(owner, id));
    }

    public JsonNode complete(String owner, UUID id) {
        return Downstream.call(Downstream.DATASET_SERVICE, () -> datasets.complete(owner, id));
    }
}
