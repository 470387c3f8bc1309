package dev.culprit.app;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code culprit console}: H2's own web console on the loopback interface, for browsing the incident
 * database with SQL by hand.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Starts H2's web console on 127.0.0.1 only, with a fresh admin password printed once.",
            "Log in with the JDBC URL it prints (user sa, no password). Runs until Ctrl-C."})
public final class ConsoleCommand implements Callable<Integer> {

    /** H2 reads its bind address once, when its settings class loads: set it before any H2 class does. */
    private static final String LOOPBACK = "127.0.0.1";

    @Spec
    CommandSpec spec;

    @Mixin
    QueryCommand.DatabaseOption database;

    @Option(names = "--port", defaultValue = "8082", paramLabel = "N",
            description = "Port for the console on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was " + port);
        }
        String url = database.url();
        System.setProperty("h2.bindAddress", LOOPBACK);
        if (!LOOPBACK.equals(org.h2.engine.SysProperties.BIND_ADDRESS)) {
            // Only possible if H2 was loaded earlier in this JVM: refuse rather than listen on every interface.
            spec.commandLine().getErr().println("culprit console: H2 was loaded before its bind address could be set to "
                    + LOOPBACK + " (it is " + org.h2.engine.SysProperties.BIND_ADDRESS + "); not starting");
            return Culprit.EXIT_RUNTIME;
        }
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(18));
        org.h2.tools.Server server = org.h2.tools.Server.createWebServer(
                "-webPort", String.valueOf(port),
                "-webAdminPassword", org.h2.server.web.WebServer.encodeAdminPassword(password));
        server.start();
        try (StopSignal stop = StopSignal.install("culprit-console")) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("culprit console: H2 web console at http://" + LOOPBACK + ":" + server.getPort() + "/ (this machine only). Ctrl-C to stop.");
            out.println("  JDBC URL:  " + url.replace(";IFEXISTS=TRUE", ""));
            out.println("  user:      sa (no password)");
            out.println("  console admin password (Preferences and Tools pages; shown only now): " + password);
            out.flush();
            stop.await(null);
        } finally {
            server.stop();
        }
        return 0;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
