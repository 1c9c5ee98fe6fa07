package io.finetune.trainer.service;

import io.finetune.common.events.TrainingDispatch;
import io.finetune.common.events.TrainingEvent;
import io.finetune.common.recipes.Recipe;
import io.finetune.recipes.TrainingInputException;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;

/**
 * Sorts a failed run into the kinds the scheduler acts on ({@link TrainingEvent#errorKind}): the
 * user's data (not retried), out of memory (not retried; try a smaller batch), a missing or damaged
 * base model (not retried: the registry stays as it is until an admin acts) or the infrastructure
 * (retried), with a message for the user.
 */
final class FailureClassifier {

    /** PyTorch's and CUDA's wording for a failed allocation, and the JVM's. */
    private static final Pattern OUT_OF_MEMORY = Pattern.compile(
            "out of memory|can't allocate memory|cannot allocate memory|not enough memory|failed to allocate");

    record Failure(String kind, String message) {
    }

    private FailureClassifier() {
    }

    static Failure classify(Throwable failure, TrainingDispatch dispatch, String device, String workerId) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TrainingInputException) {
                return new Failure(TrainingEvent.USER_DATA, t.getMessage());
            }
            if (t instanceof BaseModelException) {
                return new Failure(TrainingEvent.BASE_MODEL, t.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError || (t.getMessage() != null
                    && OUT_OF_MEMORY.matcher(t.getMessage().toLowerCase(Locale.ROOT)).find())) {
                return new Failure(TrainingEvent.OUT_OF_MEMORY, "Training ran out of memory on the " + device
                        + batchSizeAdvice(dispatch));
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof KafkaException) {
                return new Failure(TrainingEvent.INFRASTRUCTURE, "The trainer could not reach the object store or "
                        + "the message broker (" + t.getClass().getSimpleName() + "); this is not a problem with your "
                        + "data, and the job is tried again. The operators find the details in the log of worker "
                        + workerId + ".");
            }
        }
        return new Failure(TrainingEvent.INFRASTRUCTURE, "Training stopped on an unexpected error in the trainer ("
                + failure.getClass().getSimpleName() + "); this is not a problem with your data, and the job is tried "
                + "again. The operators find the details in the log of worker " + workerId + ".");
    }

    private static String batchSizeAdvice(TrainingDispatch dispatch) {
        Object batchSize = Recipe.fromWire(dispatch.recipe())
                .map(recipe -> recipe.withDefaults(dispatch.hyperparameters()).get("batchSize")).orElse(null);
        return batchSize == null ? "; submit the job again with a smaller batchSize."
                : "; submit the job again with a smaller batchSize (this job used " + batchSize + ").";
    }
}
