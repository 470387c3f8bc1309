package dev.culprit.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code culprit bench}: the instruments behind docs/PERFORMANCE.md. Each prints its figures with
 * the machine it ran on, so a result pasted anywhere says where it came from.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = {"Measures Culprit on this machine; each subcommand prints its figures and the machine.",
            "How each is run, and the figures of the project's machines: docs/PERFORMANCE.md."},
        subcommands = {LineBench.class, PipelineBench.class, ReplayBench.class, CollectorBench.class, ClusterBench.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND: " + String.join(", ", spec.subcommands().keySet()));
    }
}
