package dev.culprit.app;

import dev.culprit.events.access.OwnerOnlyFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code culprit} command. */
@Command(name = "culprit",
        mixinStandardHelpOptions = true,
        versionProvider = Culprit.Version.class,
        description = "Names the culprit when a Linux web host goes slow or noisy: the process and disk "
                + "behind I/O wait, the clients behind a DoS burst, the script behind a mail flood.",
        subcommands = {DemoCommand.class, CollectCommand.class, RunCommand.class, RulesCommand.class, QueryCommand.class,
                ConsoleCommand.class, CaptureCommand.class, ReplayCommand.class, DeadLettersCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Culprit {

    /** Exit code for a mistake in the command line or configuration. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when the runtime could not start or failed while running. */
    public static final int EXIT_RUNTIME = 1;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Culprit())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("culprit: " + e.getMessage());
                    if (Boolean.getBoolean("culprit.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    // a secret file others can read is a setup mistake to fix, not a failure to retry
                    return e instanceof OwnerOnlyFile.UnsafeSecretFile ? EXIT_USAGE : EXIT_RUNTIME;
                });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Culprit.class.getPackage().getImplementationVersion();
            return new String[] {"culprit " + (version == null ? "(development build)" : version)};
        }
    }
}
