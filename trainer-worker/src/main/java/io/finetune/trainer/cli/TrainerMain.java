package io.finetune.trainer.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.io.PrintWriter;

/**
 * The worker's entry point. Without arguments it is the worker (takes jobs from Kafka until
 * stopped); with {@code --dataset} it trains once on a local file and exits (see {@link LocalTraining});
 * {@code register-base-model ...} registers a base model and exits (see {@link RegisterBaseModelCommand}).
 */
@QuarkusMain
public class TrainerMain implements QuarkusApplication {

    @Inject
    LocalTraining localTraining;

    @Inject
    RegisterBaseModelCommand registerBaseModel;

    public static void main(String... args) {
        if (LocalTraining.requested(args) || RegisterBaseModelCommand.requested(args)) {
            // Decided before start-up: the consumers stay off, and no port clashes with a worker on the same machine
            System.setProperty(LocalTraining.LOCAL_PROPERTY, "true");
            System.setProperty("quarkus.http.port", "0");
            System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
        }
        Quarkus.run(TrainerMain.class, args);
    }

    @Override
    public int run(String... args) {
        if (RegisterBaseModelCommand.requested(args)) {
            return registerBaseModel.run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        }
        if (LocalTraining.requested(args)) {
            return localTraining.run(args, System.out, System.err);
        }
        Quarkus.waitForExit();
        return 0;
    }
}
