package io.finetune.trainer.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

/**
 * The worker's entry point. Without arguments it is the worker (takes jobs from Kafka until
 * stopped); with {@code --dataset} it trains once on a local file and exits (see {@link LocalTraining}).
 */
@QuarkusMain
public class TrainerMain implements QuarkusApplication {

    @Inject
    LocalTraining localTraining;

    public static void main(String... args) {
        if (LocalTraining.requested(args)) {
            // Decided before start-up: the consumers stay off, and no port clashes with a worker on the same machine
            System.setProperty(LocalTraining.LOCAL_PROPERTY, "true");
            System.setProperty("quarkus.http.port", "0");
            System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
        }
        Quarkus.run(TrainerMain.class, args);
    }

    @Override
    public int run(String... args) {
        if (LocalTraining.requested(args)) {
            return localTraining.run(args, System.out, System.err);
        }
        Quarkus.waitForExit();
        return 0;
    }
}
