package io.finetune.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune.gateway.rest.SubmitJobRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;

/** scheduler-service's internal API: the commands on jobs. */
@Path("/jobs")
@RegisterRestClient(configKey = Downstream.SCHEDULER_SERVICE)
public interface SchedulerClient {

    @POST
    JsonNode submit(@HeaderParam(Downstream.OWNER) String owner, SubmitJobRequest request);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return DownstreamProblemException.from(Downstream.SCHEDULER_SERVICE, response);
    }
}
