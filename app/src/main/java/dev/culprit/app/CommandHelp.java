package dev.culprit.app;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code culprit help [COMMAND [SUBCOMMAND]]}: the whole help of any command, nested ones too
 * ({@code culprit help rules check}); picocli's own help command stops at the first word.
 */
@Command(name = "help", helpCommand = true,
        description = "Shows the whole help of a command, e.g. `culprit help rules check`.")
final class CommandHelp implements CommandLine.IHelpCommandInitializable2, Runnable {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, and its subcommand if it has them.")
    List<String> words = new ArrayList<>();

    private CommandLine self;
    private CommandLine parent;
    private Help.ColorScheme colors;
    private java.io.PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, java.io.PrintWriter out, java.io.PrintWriter err) {
        this.self = helpCommandLine;
        this.parent = helpCommandLine.getParent();
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine command = parent;
        for (String word : words) {
            CommandLine sub = command.getSubcommands().get(word);
            if (sub == null) {
                throw new ParameterException(self, "no command '" + word + "' in '"
                        + Culprit.prefix(command) + "' (its commands: " + String.join(", ", command.getSubcommands().keySet()) + ")");
            }
            command = sub;
        }
        command.usage(out, colors);
        out.flush();
    }
}
