package io.finetune.trainer.cli;

import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.recipes.Recipe;
import io.finetune.trainer.service.BaseModelRegistration;
import jakarta.enterprise.context.Dependent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar quarkus-run.jar register-base-model --name NAME --file FILE.pt --input-width N
 * [--recipe R] [--description TEXT]}: an admin registers a TorchScript file as the next version of a
 * base model in the store the worker is configured for ({@link BaseModelRegistration}).
 * Exit code 0 registered, 1 refused or the store failed, 2 bad arguments.
 */
@Dependent
@Command(name = RegisterBaseModelCommand.NAME, mixinStandardHelpOptions = true,
        description = "Registers a TorchScript file as the next version of a base model.")
public class RegisterBaseModelCommand implements Callable<Integer> {

    public static final String NAME = "register-base-model";

    @Option(names = "--name", required = true, description = "the base model's name (a new one, or the next version of one)")
    String name;

    @Option(names = "--file", required = true, description = "the TorchScript module (torch.jit.script or trace, then save)")
    Path file;

    @Option(names = "--input-width", required = true, description = "how many features one input row has")
    int inputWidth;

    @Option(names = "--recipe", description = "the recipe that starts from it (default: ${DEFAULT-VALUE})")
    String recipe = Recipe.TABULAR_CLASSIFICATION.wireName();

    @Option(names = "--description", description = "what it is and how it was pretrained")
    String description;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final BaseModelRegistration registration;

    public RegisterBaseModelCommand(BaseModelRegistration registration) {
        this.registration = registration;
    }

    static boolean requested(String... args) {
        return args.length > 0 && NAME.equals(args[0]);
    }

    /** Runs the command line that follows {@value #NAME}, printing to {@code out} and {@code err}. */
    public int run(String[] args, PrintWriter out, PrintWriter err) {
        return new CommandLine(this).setOut(out).setErr(err).execute(Arrays.copyOfRange(args, 1, args.length));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            BaseModel model = registration.register(name, file, recipe, inputWidth, description);
            out.printf("registered base model %s (%s, %d bytes, sha256 %s, %d inputs -> %d outputs, recipe %s)%n",
                    model.reference(), model.format(), model.bytes(), model.sha256(), model.inputWidth(),
                    model.outputWidth(), model.recipe());
            out.flush();
            return 0;
        } catch (BaseModelRegistration.RefusedException e) {
            err.println("not registered: " + e.getMessage());
        } catch (IOException e) {
            err.println("not registered: the store failed: " + e);
        }
        err.flush();
        return 1;
    }
}
