package dev.culprit.app;

import dev.culprit.rules.files.RuleFile;
import dev.culprit.rules.files.RuleFiles;
import dev.culprit.rules.files.RuleKind;
import dev.culprit.rules.files.RuleProblem;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code culprit rules}: the rule files the detectors run with. */
@Command(name = "rules", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Rule files: one YAML file per kind (iowait, dos, mail) in a directory such as rules/.",
        subcommands = RulesCommand.Check.class)
public final class RulesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: culprit rules check DIR");
    }

    /** {@code culprit rules check DIR}: every mistake in a rules directory, before a run trips over it. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {
                "Reads every *.yaml file in DIR as the running pipeline would. Prints each file",
                "that loads, each kind left to its built-in defaults, and every mistake as",
                "FILE:LINE: reason. Exit code 0 when all files are good, 2 when any has a mistake."})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = "rules",
                description = "The rules directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            RuleFiles.Check check = RuleFiles.check(dir);
            Set<RuleKind> withoutFile = EnumSet.allOf(RuleKind.class);
            for (RuleFile file : check.files()) {
                out.println("ok: " + file.file() + " (" + file.kind() + " \"" + file.name() + "\")");
                withoutFile.remove(file.kind());
            }
            if (check.ok()) {
                for (RuleKind kind : withoutFile) {
                    out.println("default: " + kind + " (no file in " + dir + "; built-in thresholds)");
                }
                out.flush();
                return 0;
            }
            for (RuleProblem problem : check.problems()) {
                err.println(problem);
            }
            long files = check.problems().stream().map(RuleProblem::file).distinct().count();
            int mistakes = check.problems().size();
            err.println("culprit rules check: " + mistakes + (mistakes == 1 ? " mistake" : " mistakes") + " in "
                    + files + (files == 1 ? " file" : " files"));
            out.flush();
            err.flush();
            return Culprit.EXIT_USAGE;
        }
    }
}
