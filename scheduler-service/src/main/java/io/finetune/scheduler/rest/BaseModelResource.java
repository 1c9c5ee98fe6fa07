package io.finetune.scheduler.rest;

import io.finetune.scheduler.service.BaseModelRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/**
 * The base-model registry, for the gateway. Base models are the platform's, registered by an
 * admin, not any user's: every caller sees the same list, so no owner is needed.
 */
@Path("/base-models")
public class BaseModelResource {

    private final BaseModelRegistry registry;

    BaseModelResource(BaseModelRegistry registry) {
        this.registry = registry;
    }

    /** Every base model with a registered version, by name, each with its versions' metadata, oldest first. */
    @GET
    public List<BaseModelRegistry.Entry> list() {
        return registry.list();
    }
}
