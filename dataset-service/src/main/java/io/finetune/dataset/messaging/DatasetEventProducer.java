package io.finetune.dataset.messaging;

import io.finetune.common.events.DatasetEvent;
import io.finetune.dataset.entity.Dataset;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes facts about datasets on {@code datasets.events} (Topics.DATASETS_EVENTS), keyed by dataset id. */
@ApplicationScoped
public class DatasetEventProducer {

    /** The outgoing channel; application.properties binds it to the topic. */
    public static final String CHANNEL = "datasets-events";

    private final MutinyEmitter<Record<String, DatasetEvent>> emitter;

    public DatasetEventProducer(@Channel(CHANNEL) MutinyEmitter<Record<String, DatasetEvent>> emitter) {
        this.emitter = emitter;
    }

    /**
     * Sends {@code type} (a {@link DatasetEvent} constant) with the dataset as committed, whose
     * {@code sequence} the caller advanced in that commit, and waits until the broker has it.
     */
    public void publish(String type, Dataset dataset) {
        DatasetEvent event = new DatasetEvent(UUID.randomUUID(), type, Instant.now(), dataset.sequence,
                dataset.id, dataset.owner, dataset.name, dataset.objectKey, dataset.rows, dataset.bytes,
                dataset.columns, dataset.problems, dataset.sha256, dataset.purpose);
        emitter.sendAndAwait(Record.of(dataset.id.toString(), event));
    }
}
