package dev.culprit.collectors;

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
    PHPMAIL("PHP mail()");

    /** How many lines {@link #detect} looks at. */
    public static final int DETECT_LINES = 1000;

    private final String lineName;

    LogKind(String lineName) {
        this.lineName = lineName;
    }

    public TailedLogSource.Kind reader(ZoneId zone, Clock clock) {
        return switch (this) {
            case EVASIVE -> new TailedLogSource.Kind("evasive", new EvasiveLineParser(zone, clock), new DenialAggregation());
            case PHPMAIL -> TailedLogSource.Kind.of("phpmail", new PhpMailLineParser(zone, clock));
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The zone of this kind's local times, as the config sets it (default: this machine's). */
    public ZoneId zone(CollectorConfig config) {
        String zone = switch (this) {
            case EVASIVE -> config.sources().evasive().timeZone();
            case PHPMAIL -> config.sources().phpmail().timeZone();
        };
        return zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
    }

    /** One log of this kind read from its beginning, for a one-shot read. */
    public TailedLogSource saved(Path file, CollectorConfig config, String host, Clock clock) {
        return new TailedLogSource(file.toString(), file, reader(zone(config), clock), host, clock, Optional.empty());
    }

    /** This kind's config section: its logs (and mod_evasive's DOSLogDir), or none when it is off. */
    public List<Source> configured(CollectorConfig config, SourceRegistry.Context on) {
        List<Source> sources = new ArrayList<>();
        TailedLogSource.Kind kind = reader(zone(config), on.clock());
        switch (this) {
            case EVASIVE -> {
                CollectorConfig.Evasive evasive = config.sources().evasive();
                if (evasive.enabled()) {
                    sources.add(on.follow("evasive-error-log", evasive.errorLog(), kind));
                    sources.add(on.follow("evasive-syslog", evasive.syslog(), kind));
                    if (evasive.dosLogDir() != null) {
                        sources.add(new DosLogDirWatcher(evasive.dosLogDir(), on.host()));
                    }
                }
            }
            case PHPMAIL -> {
                CollectorConfig.PhpMailLog phpmail = config.sources().phpmail();
                if (phpmail.enabled()) {
                    sources.add(on.follow("phpmail-log", phpmail.log(), kind));
                    if (phpmail.syslog() != null) {
                        sources.add(on.follow("phpmail-syslog", phpmail.syslog(), kind));
                    }
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
            }
        }
        return Optional.empty();
    }

    /** Why {@link #detect} found nothing, naming every kind it knows. */
    public static String notRecognised() {
        return "not a " + Arrays.stream(values()).map(k -> k.lineName).collect(Collectors.joining(" or "))
                + " log: none of its first " + DETECT_LINES + " lines is one";
    }
}
