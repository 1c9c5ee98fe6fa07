package io.finetune.examples;

import java.net.URI;
import picocli.CommandLine.Option;

/** The options every example shares: where the gateway is and who the caller is. */
public class ApiOptions {

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", description = "Gateway base URL (default: ${DEFAULT-VALUE})")
    URI api;

    @Option(names = "--user", defaultValue = "demo",
            description = "User id sent in the X-User header, which only a local gateway trusts (default: ${DEFAULT-VALUE})")
    String user;

    Api client() {
        return new Api(api, user);
    }
}
