package dev.culprit.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** {@code culprit} run as a user runs it, in this JVM, its standard output and error kept for the test. */
final class CulpritCli {

    private CulpritCli() {}

    /** The exit code of {@code culprit ARGS}; what it printed is in {@code out} and {@code err}. */
    static int execute(StringWriter out, StringWriter err, String... args) {
        return Culprit.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }
}
