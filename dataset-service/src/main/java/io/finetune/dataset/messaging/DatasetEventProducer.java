package io.finetune.dataset.messaging;

import io.finetune.common.events.DatasetEvent;
import io.finetune.dataset.entity.Dataset;
import io.finetune.dataset.entity.DatasetStatus;
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

    /** A dataset's validation outcome happens once, so it is always the dataset's first event. */
    static final long OUTCOME_SEQUENCE = 1;

    private final MutinyEmitter<Record<String, DatasetEvent>> emitter;

    public DatasetEventProducer(@Channel(CHANNEL) MutinyEmitter<Record<String, DatasetEvent>> emitter) {
        this.emitter = emitter;
    }

    /** Sends the outcome of a validated or rejected dataset and waits until the broker has it. */
    public void publishOutcome(Dataset dataset) {
        String type = dataset.status == DatasetStatus.VALIDATED ? DatasetEvent.VALIDATED : DatasetEvent.REJECTED;
        DatasetEvent event = new DatasetEvent(UUID.randomUUID(), type, Instant.now(), OUTCOME_SEQUENCE,
                dataset.id, dataset.owner, dataset.name, dataset.objectKey, dataset.rows, dataset.bytes,
                dataset.columns, dataset.problems);
        emitter.sendAndAwait(Record.of(dataset.id.toString(), event));
    }
}
