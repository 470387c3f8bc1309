package dev.culprit.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where a page Culprit serves ({@code console}, {@code ui}) listens: this machine only, unless the operator says otherwise. */
final class BindOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only). Another address lets other "
                    + "machines try the password over plain HTTP: put TLS in front first.")
    String bind;

    /** The address, or a usage error naming {@code --bind}. */
    InetAddress address() {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--bind: '" + bind + "' is not an address of this machine");
        }
    }
}
