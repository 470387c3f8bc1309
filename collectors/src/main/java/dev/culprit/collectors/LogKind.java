package dev.culprit.collectors;

import dev.culprit.collectors.access.AccessAggregation;
import dev.culprit.collectors.access.AccessLineParser;
import dev.culprit.collectors.access.AccessLogFormat;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.evasive.DenialAggregation;
import dev.culprit.collectors.evasive.DosLogDirWatcher;
import dev.culprit.collectors.evasive.EvasiveLineParser;
import dev.culprit.collectors.phpmail.PhpMailLineParser;
import dev.culprit.collectors.tail.SavedLog;
import dev.culprit.collectors.tail.TailedLogSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of log Culprit reads, how to tell them apart by their lines, and their config sections. */
public enum LogKind {
    /** Apache's error log or syslog, for mod_evasive's denials, blacklistings and complaints. */
    EVASIVE("mod_evasive"),
    /** PHP's mail.log, or syslog with {@code mail.log = syslog}. */
    PHPMAIL("PHP mail()"),
    /** Apache's access log, in the config's LogFormat (combined by default). */
    ACCESS("Apache access");

    /** The formats an access log is told by when nothing says which it is in. */
    private static final List<AccessLogFormat> ACCESS_FORMATS = List.of(
            AccessLogFormat.compile(AccessLogFormat.COMBINED), AccessLogFormat.compile(AccessLogFormat.VHOST_COMBINED),
            AccessLogFormat.compile(AccessLogFormat.COMMON));

    /** How many lines {@link #detect} looks at. */
    public static final int DETECT_LINES = 1000;

    private final String lineName;

    LogKind(String lineName) {
        this.lineName = lineName;
    }

    /**
     * How this kind's lines are read, with {@code zone} for logs that write local times and the
     * combined format for access logs (their lines carry their own zone).
     */
    public TailedLogSource.Kind reader(ZoneId zone, Clock clock) {
        return reader(zone, AccessLogFormat.compile(AccessLogFormat.COMBINED), "access.log", clock);
    }

    private TailedLogSource.Kind reader(ZoneId zone, AccessLogFormat accessFormat, String file, Clock clock) {
        return switch (this) {
            case EVASIVE -> new TailedLogSource.Kind("evasive", new EvasiveLineParser(zone, clock), new DenialAggregation());
            case PHPMAIL -> TailedLogSource.Kind.of("phpmail", new PhpMailLineParser(zone, clock));
            case ACCESS -> new TailedLogSource.Kind("access", new AccessLineParser(accessFormat, file), new AccessAggregation());
        };
    }

    /** The kind's reader as the config sets it up, for the log {@code file}. */
    private TailedLogSource.Kind reader(CollectorConfig config, Path file, Clock clock) {
        AccessLogFormat format = this == ACCESS ? config.sources().access().logFormat() : null;
        return reader(zone(config), format, file.toString(), clock);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The zone of this kind's local times, as the config sets it (default: this machine's). */
    public ZoneId zone(CollectorConfig config) {
        String zone = switch (this) {
            case EVASIVE -> config.sources().evasive().timeZone();
            case PHPMAIL -> config.sources().phpmail().timeZone();
            case ACCESS -> null;
        };
        return zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
    }

    /** One log of this kind read from its beginning, for a one-shot read. */
    public TailedLogSource saved(Path file, CollectorConfig config, String host, Clock clock) {
        return new TailedLogSource(file.toString(), file, reader(config, file, clock), host, clock, Optional.empty());
    }

    /** This kind's config section: its logs (and mod_evasive's DOSLogDir), or none when it is off. */
    public List<Source> configured(CollectorConfig config, SourceRegistry.Context on) {
        List<Source> sources = new ArrayList<>();
        switch (this) {
            case EVASIVE -> {
                CollectorConfig.Evasive evasive = config.sources().evasive();
                if (evasive.enabled()) {
                    sources.add(on.follow("evasive-error-log", evasive.errorLog(), reader(config, evasive.errorLog(), on.clock())));
                    sources.add(on.follow("evasive-syslog", evasive.syslog(), reader(config, evasive.syslog(), on.clock())));
                    if (evasive.dosLogDir() != null) {
                        sources.add(new DosLogDirWatcher(evasive.dosLogDir(), on.host()));
                    }
                }
            }
            case PHPMAIL -> {
                CollectorConfig.PhpMailLog phpmail = config.sources().phpmail();
                if (phpmail.enabled()) {
                    sources.add(on.follow("phpmail-log", phpmail.log(), reader(config, phpmail.log(), on.clock())));
                    if (phpmail.syslog() != null) {
                        sources.add(on.follow("phpmail-syslog", phpmail.syslog(), reader(config, phpmail.syslog(), on.clock())));
                    }
                }
            }
            case ACCESS -> {
                CollectorConfig.AccessLog access = config.sources().access();
                if (access.enabled()) {
                    sources.add(on.follow("access-log", access.log(), reader(config, access.log(), on.clock())));
                }
            }
        }
        return sources;
    }

    /** Guesses a log's kind (gzip or not) from its first thousand lines; empty when nothing there is ours. */
    public static Optional<LogKind> detect(Path file) throws IOException {
        // Not a strict decoder: a binary file is simply not ours, rather than an error.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(SavedLog.text(file), StandardCharsets.UTF_8))) {
            String line;
            for (int n = 0; n < DETECT_LINES && (line = in.readLine()) != null; n++) {
                if (line.contains("mail() on [")) {
                    return Optional.of(PHPMAIL);
                }
                if (line.contains("[evasive20:") || line.contains("mod_evasive[")) {
                    return Optional.of(EVASIVE);
                }
                if (isAccessLine(line)) {
                    return Optional.of(ACCESS);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isAccessLine(String line) {
        return ACCESS_FORMATS.stream().anyMatch(f -> f.read(line) instanceof AccessLogFormat.Request);
    }

    /** Why {@link #detect} found nothing, naming every kind it knows. */
    public static String notRecognised() {
        List<String> kinds = Arrays.stream(values()).map(k -> k.lineName).toList();
        return "not a " + String.join(", ", kinds.subList(0, kinds.size() - 1)) + " or " + kinds.get(kinds.size() - 1)
                + " log: none of its first " + DETECT_LINES + " lines is one";
    }
}
