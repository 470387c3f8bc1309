package dev.culprit.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The processes a test starts, each stopped again by PID with everything it started. */
final class Processes implements AutoCloseable {

    private final List<Process> started = new ArrayList<>();

    /** Starts {@code sh -c SCRIPT} in the background. */
    Process shell(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(p);
        return p;
    }

    /** Runs a command to its end; fails unless it exits 0. */
    void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : started) {
            List<ProcessHandle> descendants = p.descendants().toList();
            p.destroy();
            descendants.forEach(ProcessHandle::destroy);
        }
        for (Process p : started) {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
