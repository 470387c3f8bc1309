package dev.culprit.app;

import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.rules.files.RuleFileException;
import dev.culprit.storage.EventArchive;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The {@code culprit} command. */
@Command(name = "culprit",
        mixinStandardHelpOptions = true,
        versionProvider = Culprit.Version.class,
        description = "Names the culprit when a Linux web host goes slow or noisy: the process and disk "
                + "behind I/O wait, the clients behind a DoS burst, the script behind a mail flood.",
        subcommands = {DemoCommand.class, CollectCommand.class, RunCommand.class, RulesCommand.class, QueryCommand.class,
                ConsoleCommand.class, ReportCommand.class, UiCommand.class, CaptureCommand.class, ReplayCommand.class,
                DeadLettersCommand.class, ClusterCommand.class, SubmitCommand.class, BenchCommand.class,
                CommandHelp.class, CompletionCommand.class})
public final class Culprit implements Callable<Integer> {

    /** Exit code for a mistake in the command line, a config, a rule file or an input file. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when the runtime could not start or failed while running. */
    public static final int EXIT_RUNTIME = 1;

    /** Where the commands look for the collector config and rules when not told on the command line. */
    final SearchOrder searchOrder;

    @Spec
    CommandSpec spec;

    Culprit(SearchOrder searchOrder) {
        this.searchOrder = searchOrder;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(SearchOrder.ofThisProcess());
    }

    static CommandLine commandLine(SearchOrder searchOrder) {
        return new CommandLine(new Culprit(searchOrder))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionStrategy(parsed -> {
                    refuseDataDirectoryThatIsAFile(parsed);
                    return new CommandLine.RunLast().execute(parsed);
                })
                .setParameterExceptionHandler(Culprit::usageMistake)
                .setExecutionExceptionHandler(Culprit::failure);
    }

    /** {@code culprit} alone: the command list, on stderr, as a mistake (there is nothing to run). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** What a command's messages start with: {@code culprit rules check}. */
    static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }

    /**
     * Prints {@code message} with the command's prefix on each of its lines, escaped: messages
     * name files and values that came from a host.
     */
    static void printMistake(PrintWriter err, CommandLine cmd, String message) {
        for (String line : message.split("\n", -1)) {
            if (!line.isBlank()) {
                err.println(prefix(cmd) + ": " + TerminalText.printable(line));
            }
        }
        err.flush();
    }

    /** A mistake on the command line: one line saying what, and where the usage is, not the usage itself. */
    private static int usageMistake(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        printMistake(err, cmd, e.getMessage() == null ? "a mistake on the command line" : e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("see '" + prefix(cmd) + " --help'");
        err.flush();
        return EXIT_USAGE;
    }

    /** A command that failed: one line, with the stack trace only when asked for (-Dculprit.debug=true). */
    private static int failure(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        printMistake(err, cmd, describe(e));
        if (Boolean.getBoolean("culprit.debug")) {
            e.printStackTrace(err);
            err.flush();
        }
        return isInputMistake(e) ? EXIT_USAGE : EXIT_RUNTIME;
    }

    /** The exception's own message, else the first of its causes that has one, else its kind. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return "failed: " + e.getClass().getSimpleName() + " (CULPRIT_JAVA_OPTS=-Dculprit.debug=true shows where)";
    }

    /** Input the operator gave that cannot be used: to fix, not to retry. */
    private static boolean isInputMistake(Exception e) {
        return e instanceof OwnerOnlyFile.UnsafeSecretFile
                || e instanceof ConfigLoader.ConfigException
                || e instanceof RuleFileException
                || e instanceof EventArchive.UnusableArchive;
    }

    /**
     * A {@code --data-dir} that names an existing file would fail deep inside the broker, H2 or
     * the spool with their own words; say so at once, for every command that has the option.
     */
    private static void refuseDataDirectoryThatIsAFile(ParseResult parsed) {
        for (ParseResult command = parsed; command != null;
                command = command.subcommands().isEmpty() ? null : command.subcommands().get(0)) {
            OptionSpec option = command.commandSpec().findOption("--data-dir");
            if (option != null && option.getValue() instanceof Path dir && Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new ParameterException(command.commandSpec().commandLine(), "--data-dir " + dir
                        + ": is a file; expected a directory (Culprit's data directory, created when missing)");
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Culprit.class.getPackage().getImplementationVersion();
            return new String[] {"culprit " + (version == null ? "(development build)" : version)};
        }
    }
}
