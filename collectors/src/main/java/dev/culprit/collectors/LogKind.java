package dev.culprit.collectors;

import dev.culprit.collectors.evasive.DenialAggregation;
import dev.culprit.collectors.evasive.EvasiveLineParser;
import dev.culprit.collectors.phpmail.PhpMailLineParser;
import dev.culprit.collectors.tail.TailedLogSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

/** The kinds of log Culprit reads, and how to tell them apart by their lines. */
public enum LogKind {
    /** Apache's error log or syslog, for mod_evasive's denials, blacklistings and complaints. */
    EVASIVE,
    /** PHP's mail.log, or syslog with {@code mail.log = syslog}. */
    PHPMAIL;

    public TailedLogSource.Kind reader(ZoneId zone, Clock clock) {
        return switch (this) {
            case EVASIVE -> new TailedLogSource.Kind("evasive", new EvasiveLineParser(zone, clock), new DenialAggregation());
            case PHPMAIL -> TailedLogSource.Kind.of("phpmail", new PhpMailLineParser(zone, clock));
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Guesses a log's kind from its first thousand lines; empty when nothing there is ours. */
    public static Optional<LogKind> detect(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int n = 0; n < 1000 && (line = in.readLine()) != null; n++) {
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
}
