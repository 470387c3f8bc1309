package dev.culprit.app;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code culprit completion}: a bash completion script for every command and option, from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a bash completion script for culprit's commands and options.",
            "",
            "Load it in the current shell with `source <(culprit completion)`, or for every shell with "
                    + "`culprit completion > /etc/bash_completion.d/culprit`. zsh reads it after "
                    + "`autoload -U bashcompinit && bashcompinit`."})
final class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(AutoComplete.bash("culprit", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
