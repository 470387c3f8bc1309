package dev.culprit.app;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Quiet unless asked: the broker and Flink log thousands of lines at INFO. */
final class Logging {

    private Logging() {}

    static void configure(boolean verbose) {
        if (verbose) {
            Configurator.setRootLevel(Level.INFO);
        }
    }
}
