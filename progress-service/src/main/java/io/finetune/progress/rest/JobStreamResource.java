package io.finetune.progress.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.progress.service.JobViewService;
import io.finetune.progress.service.LiveUpdates;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.UUID;

/**
 * Live updates as Server-Sent Events (the gateway proxies them as {@code /api/v1/jobs/stream} and
 * {@code /api/v1/jobs/{id}/stream}). Event {@code job} carries the job as a list item
 * ({@code GET /jobs}); event {@code epoch} an entry of {@code epochHistory}. A stream starts with a
 * comment ({@code /jobs/stream}) or the job's current state ({@code /jobs/{id}/stream}), and sends a
 * comment every 15 s while idle.
 */
@Path("/jobs")
public class JobStreamResource {

    private final LiveUpdates live;
    private final JobViewService jobs;
    private final ObjectMapper json;

    public JobStreamResource(LiveUpdates live, JobViewService jobs, ObjectMapper json) {
        this.live = live;
        this.jobs = jobs;
        this.json = json;
    }

    /** Every change of any of the owner's jobs. */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void owner(@HeaderParam(Owners.OWNER_HEADER) String owner, @Context SseEventSink sink, @Context Sse sse) {
        String user = Owners.required(owner);
        SinkSubscriber subscriber = new SinkSubscriber(sink, sse, json);
        subscriber.comment("watching the jobs of " + user);
        live.watchOwner(user, subscriber);
    }

    /** Every change of one of the owner's jobs; 404 for another owner's. */
    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void job(@HeaderParam(Owners.OWNER_HEADER) String owner, @PathParam("id") String id,
            @Context SseEventSink sink, @Context Sse sse) {
        UUID jobId = Owners.jobId(id);
        var current = jobs.get(Owners.required(owner), jobId);
        SinkSubscriber subscriber = new SinkSubscriber(sink, sse, json);
        live.watchJob(jobId, subscriber);
        subscriber.send("job", current.summary());
    }

    /** Sends to one client's stream; JSON by the service's own mapper, as the REST responses. */
    private record SinkSubscriber(SseEventSink sink, Sse sse, ObjectMapper json) implements LiveUpdates.Subscriber {

        @Override
        public boolean send(String event, Object data) {
            try {
                return send(sse.newEventBuilder().name(event).mediaType(MediaType.TEXT_PLAIN_TYPE)
                        .data(String.class, json.writeValueAsString(data)).build());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean comment(String text) {
            return send(sse.newEventBuilder().comment(text).build());
        }

        private boolean send(OutboundSseEvent event) {
            if (sink.isClosed()) {
                return false;
            }
            sink.send(event).whenComplete((ok, failure) -> {
                if (failure != null) {
                    sink.close();
                }
            });
            return true;
        }
    }
}
