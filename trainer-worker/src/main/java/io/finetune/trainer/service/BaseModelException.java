package io.finetune.trainer.service;

/**
 * The registered base model a job names is missing from the registry or its file does not match the
 * registered SHA-256. Neither the user's data nor a passing outage: the job fails as
 * {@link io.finetune.common.events.TrainingEvent#BASE_MODEL}, without a retry.
 */
public class BaseModelException extends RuntimeException {

    public BaseModelException(String message) {
        super(message);
    }
}
