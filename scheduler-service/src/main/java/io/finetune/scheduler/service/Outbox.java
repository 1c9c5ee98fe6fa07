package io.finetune.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.events.PlatformEvent;
import io.finetune.scheduler.entity.OutboxMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * Writes an event to publish into the current transaction: it leaves only if the change it reports
 * commits, and it is not lost if the service stops before publishing.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper mapper;
    private final Event<OutboxWritten> written;

    Outbox(ObjectMapper mapper, Event<OutboxWritten> written) {
        this.mapper = mapper;
        this.written = written;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(String topic, UUID key, PlatformEvent event) {
        add(topic, key.toString(), event);
    }

    /** As {@link #add(String, UUID, PlatformEvent)}, for entities not keyed by an id (a model: {@code owner/model}). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(String topic, String key, PlatformEvent event) {
        OutboxMessage message = new OutboxMessage();
        message.topic = topic;
        message.messageKey = key;
        message.payload = json(event);
        message.createdAt = event.time();
        message.persist();
        written.fire(new OutboxWritten());
    }

    private String json(PlatformEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + event.type(), e);
        }
    }
}
