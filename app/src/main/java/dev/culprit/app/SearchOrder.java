package dev.culprit.app;

import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where Culprit finds its collector config and its rules when the command line does not say:
 * the collector config from {@code --config FILE}, {@code $CULPRIT_CONFIG},
 * {@code /etc/culprit/collector.yaml}, {@code ./collector.yaml}, in that order; rules from
 * {@code --rules DIR}, {@code $CULPRIT_RULES}, {@code /etc/culprit/rules/}, else the shipped rules
 * built in. Each command that uses one prints, in one line at start, which it took.
 *
 * @param environment the process environment ({@code CULPRIT_CONFIG}, {@code CULPRIT_RULES})
 * @param systemDirectory {@code /etc/culprit}
 * @param workingDirectory where {@code ./collector.yaml} is looked for
 */
record SearchOrder(Map<String, String> environment, Path systemDirectory, Path workingDirectory) {

    static final String CONFIG_VARIABLE = "CULPRIT_CONFIG";
    static final String RULES_VARIABLE = "CULPRIT_RULES";
    static final String CONFIG_FILE = "collector.yaml";
    static final String RULES_DIRECTORY = "rules";

    static SearchOrder ofThisProcess() {
        return new SearchOrder(System.getenv(), Path.of("/etc/culprit"), Path.of(""));
    }

    /** The search order of the command line that {@code spec} belongs to. */
    static SearchOrder of(CommandSpec spec) {
        return ((Culprit) spec.root().userObject()).searchOrder;
    }

    /**
     * A file or directory found, and who named it ({@code --config}, {@code $CULPRIT_CONFIG}), or
     * null when it was found in its usual place.
     */
    record Found(Path path, String namedBy) {
        /** One line's worth: {@code /etc/culprit/collector.yaml}, {@code ./collector.yaml}, {@code x.yaml (--config)}. */
        String shown() {
            String where = path.isAbsolute() || path.startsWith("..") || path.toString().startsWith(".")
                    ? path.toString() : "./" + path;
            return namedBy == null ? where : where + " (" + namedBy + ")";
        }
    }

    /** The collector config to use, or null when none is given and none is in the usual places. */
    Found collectorConfig(Path option) {
        if (option != null) {
            return new Found(option, "--config");
        }
        String variable = environment.get(CONFIG_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return new Found(Path.of(variable), "$" + CONFIG_VARIABLE);
        }
        for (Path candidate : new Path[] {systemDirectory.resolve(CONFIG_FILE), workingDirectory.resolve(CONFIG_FILE)}) {
            if (Files.isRegularFile(candidate)) {
                return new Found(candidate, null);
            }
        }
        return null;
    }

    /** The rules directory to use, or null for the shipped rules built in. */
    Found rulesDirectory(Path option) {
        if (option != null) {
            return new Found(option, "--rules");
        }
        String variable = environment.get(RULES_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return new Found(Path.of(variable), "$" + RULES_VARIABLE);
        }
        Path system = systemDirectory.resolve(RULES_DIRECTORY);
        return Files.isDirectory(system) ? new Found(system, null) : null;
    }

    /** The places looked at for a collector config, for a message saying none was found. */
    String configPlaces() {
        return "--config, $" + CONFIG_VARIABLE + ", " + systemDirectory.resolve(CONFIG_FILE) + ", ./" + CONFIG_FILE;
    }

    /**
     * Loads the collector config found (printing which, in one line), or the defaults when none is.
     *
     * @param withoutOne what the command does with the defaults, for that line, e.g. "sampling /proc only"
     * @throws ConfigLoader.ConfigException naming the file, line and key of every mistake
     */
    CollectorConfig loadCollectorConfig(Path option, PrintWriter err, String withoutOne) {
        Found found = collectorConfig(option);
        if (found == null) {
            err.println("culprit: collector config: none (--config, $" + CONFIG_VARIABLE + ", " + systemDirectory + "/, ./): "
                    + withoutOne);
            return new CollectorConfig(null, null, null, null);
        }
        err.println("culprit: collector config: " + found.shown());
        return ConfigLoader.load(found.path());
    }

    /**
     * Loads the rules found (printing which, in one line), or the shipped ones built in.
     *
     * @throws dev.culprit.rules.files.RuleFileException with every mistake, each as file:line: reason
     */
    RuleSet loadRules(Path option, PrintWriter err) {
        Found found = rulesDirectory(option);
        if (found == null) {
            err.println("culprit: rules: built in (none at --rules, $" + RULES_VARIABLE + ", "
                    + systemDirectory.resolve(RULES_DIRECTORY) + ")");
            return RuleSet.DEFAULT;
        }
        err.println("culprit: rules: " + found.shown());
        return RuleFiles.load(found.path());
    }
}
