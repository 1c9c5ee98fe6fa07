package io.finetune.scheduler.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** The id of an event already consumed: a redelivered event is recognised by it and dropped. */
@Entity
@Table(name = "processed_event")
public class ProcessedEvent extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    /**
     * Records the event id in the current transaction; false when it was already there. The insert
     * itself decides, so two deliveries racing each other cannot both pass.
     */
    public static boolean firstSeen(UUID eventId) {
        return getEntityManager()
                .createNativeQuery("insert into processed_event (event_id) values (?1) on conflict do nothing")
                .setParameter(1, eventId)
                .executeUpdate() == 1;
    }
}
