package dev.culprit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's load average, printed after each benchmark's trial: on a shared 2-core machine a
 * figure taken while other builds ran is lower, and says so beside itself.
 */
final class LoadAverage {

    private LoadAverage() {}

    static void print() {
        String load;
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            load = "unknown (no /proc/loadavg)";
        }
        System.out.println("load average at the end of this trial: " + load
                + " (" + Runtime.getRuntime().availableProcessors() + " cores)");
    }
}
