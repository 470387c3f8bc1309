package dev.culprit.collectors.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.culprit.collectors.access.AccessLogFormat;
import dev.culprit.collectors.apache.ApacheStatusSettings;
import dev.culprit.events.text.Durations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code culprit collect --config FILE} runs on one host. Every key is optional and has the
 * default shown in {@code collectors/collector.example.yaml}; unknown keys are errors.
 */
public record CollectorConfig(
        @JsonProperty("host") String host,
        @JsonProperty("kafka") Kafka kafka,
        @JsonProperty("spool") SpoolSettings spool,
        @JsonProperty("sources") Sources sources) {

    public CollectorConfig {
        kafka = kafka == null ? new Kafka(null, null) : kafka;
        spool = spool == null ? new SpoolSettings(null) : spool;
        sources = sources == null ? new Sources(null, null, null, null, null) : sources;
    }

    /**
     * Where events go, and the Kafka client properties file ({@code security.protocol}, {@code sasl.*},
     * {@code ssl.*}; its owner's alone) with the login that cluster requires; without one the collector
     * connects unauthenticated. Empty in the embedded runtime, which supplies its own broker and login.
     */
    public record Kafka(
            @JsonProperty("bootstrapServers") String bootstrapServers,
            @JsonProperty("clientProperties") Path clientProperties) {}

    public record SpoolSettings(@JsonProperty("maxSize") String maxSize) {
        public SpoolSettings {
            maxSize = maxSize == null ? "256MiB" : maxSize;
        }

        public long maxBytes() {
            return Durations.parseSize(maxSize);
        }
    }

    public record Sources(
            @JsonProperty("proc") Proc proc,
            @JsonProperty("apache") Apache apache,
            @JsonProperty("evasive") Evasive evasive,
            @JsonProperty("phpmail") PhpMailLog phpmail,
            @JsonProperty("access") AccessLog access) {

        public Sources {
            proc = proc == null ? new Proc(null, null, null, null, null, null) : proc;
            apache = apache == null ? new Apache(null, null, null, null, null, null, null, null) : apache;
            evasive = evasive == null ? new Evasive(null, null, null, null, null) : evasive;
            phpmail = phpmail == null ? new PhpMailLog(null, null, null, null) : phpmail;
            access = access == null ? new AccessLog(null, null, null) : access;
        }
    }

    /**
     * Apache's access log, counted exactly per client, vhost and second.
     *
     * @param format {@code combined}, {@code common}, {@code vhost_combined}, or a {@code LogFormat}
     *     string as apache2.conf writes it between its quotes
     */
    public record AccessLog(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("log") Path log,
            @JsonProperty("format") String format) {

        public AccessLog {
            enabled = enabled != null && enabled;
            log = log == null ? Path.of("/var/log/apache2/access.log") : log;
            format = format == null ? "combined" : format;
        }

        /** The format compiled; a mistake in it is an IllegalArgumentException naming the directive. */
        public AccessLogFormat logFormat() {
            return AccessLogFormat.compile(switch (format) {
                case "combined" -> AccessLogFormat.COMBINED;
                case "common" -> AccessLogFormat.COMMON;
                case "vhost_combined" -> AccessLogFormat.VHOST_COMBINED;
                default -> format;
            });
        }
    }

    /** The host and process sampler: /proc/stat, /proc/pressure/io, /proc/diskstats, /proc/PID/*. */
    public record Proc(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("root") Path root,
            @JsonProperty("interval") String interval,
            @JsonProperty("topProcesses") Integer topProcesses,
            @JsonProperty("includePartitions") Boolean includePartitions,
            @JsonProperty("includeVirtualDevices") Boolean includeVirtualDevices) {

        public Proc {
            enabled = enabled == null || enabled;
            root = root == null ? Path.of("/proc") : root;
            interval = interval == null ? "1s" : interval;
            topProcesses = topProcesses == null ? 10 : topProcesses;
            includePartitions = includePartitions != null && includePartitions;
            includeVirtualDevices = includeVirtualDevices != null && includeVirtualDevices;
        }

        public Duration every() {
            return Durations.parse(interval);
        }
    }

    /** Apache's mod_status: {@code url?auto}, plus the HTML page when ExtendedStatus is on. */
    public record Apache(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("url") String url,
            @JsonProperty("interval") String interval,
            @JsonProperty("extendedStatus") Boolean extendedStatus,
            @JsonProperty("credentialsEnv") String credentialsEnv,
            @JsonProperty("credentialsFile") Path credentialsFile,
            @JsonProperty("connectTimeout") String connectTimeout,
            @JsonProperty("readTimeout") String readTimeout) {

        public Apache {
            enabled = enabled != null && enabled;
            url = url == null ? "http://127.0.0.1/server-status" : url;
            interval = interval == null ? "5s" : interval;
            extendedStatus = extendedStatus == null || extendedStatus;
            connectTimeout = connectTimeout == null ? "2s" : connectTimeout;
            readTimeout = readTimeout == null ? "5s" : readTimeout;
        }

        /** The poller's settings; an unusable URL or credential choice is an IllegalArgumentException saying why. */
        public ApacheStatusSettings settings() {
            return new ApacheStatusSettings(URI.create(url), extendedStatus,
                    Durations.parse(connectTimeout), Durations.parse(readTimeout), credentialsEnv, credentialsFile);
        }

        public Duration every() {
            return Durations.parse(interval);
        }
    }

    /** mod_evasive: its DOSLogDir, the Apache error log and syslog. */
    public record Evasive(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("dosLogDir") Path dosLogDir,
            @JsonProperty("errorLog") Path errorLog,
            @JsonProperty("syslog") Path syslog,
            @JsonProperty("timeZone") String timeZone) {

        public Evasive {
            enabled = enabled != null && enabled;
            errorLog = errorLog == null ? Path.of("/var/log/apache2/error.log") : errorLog;
            syslog = syslog == null ? Path.of("/var/log/syslog") : syslog;
        }
    }

    /** PHP's mail.log (or syslog, with {@code mail.log = syslog}). */
    public record PhpMailLog(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("log") Path log,
            @JsonProperty("syslog") Path syslog,
            @JsonProperty("timeZone") String timeZone) {

        public PhpMailLog {
            enabled = enabled != null && enabled;
            log = log == null ? Path.of("/var/log/php/mail.log") : log;
        }
    }

    /** A value that parses but cannot work: its key ({@code sources.proc.interval}) and why. */
    public record Problem(String key, String reason) {}

    /** Mistakes that parse but cannot work, each naming its key. Empty when the config is usable. */
    public List<Problem> problems() {
        List<Problem> problems = new ArrayList<>();
        checkDuration(problems, "sources.proc.interval", sources.proc().interval());
        if (sources.proc().topProcesses() < 1) {
            problems.add(new Problem("sources.proc.topProcesses", "must be at least 1, was " + sources.proc().topProcesses()));
        }
        if (sources.proc().enabled() && !Files.isDirectory(sources.proc().root())) {
            problems.add(new Problem("sources.proc.root", sources.proc().root() + " is not a directory"));
        }
        checkDuration(problems, "sources.apache.interval", sources.apache().interval());
        checkDuration(problems, "sources.apache.connectTimeout", sources.apache().connectTimeout());
        checkDuration(problems, "sources.apache.readTimeout", sources.apache().readTimeout());
        if (sources.apache().enabled()) {
            try {
                sources.apache().settings().credentials(System.getenv());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("sources.apache", e.getMessage()));
            }
        }
        try {
            sources.access().logFormat();
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("sources.access.format", e.getMessage()));
        }
        checkZone(problems, "sources.evasive.timeZone", sources.evasive().timeZone());
        checkZone(problems, "sources.phpmail.timeZone", sources.phpmail().timeZone());
        if (sources.evasive().enabled() && sources.evasive().dosLogDir() != null
                && !Files.isDirectory(sources.evasive().dosLogDir())) {
            problems.add(new Problem("sources.evasive.dosLogDir", sources.evasive().dosLogDir()
                    + " is not a directory (mod_evasive's DOSLogDir)"));
        }
        try {
            spool.maxBytes();
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("spool.maxSize", e.getMessage()));
        }
        return problems;
    }

    private static void checkDuration(List<Problem> problems, String key, String value) {
        try {
            if (Durations.parse(value).isZero()) {
                problems.add(new Problem(key, "must be more than zero"));
            }
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(key, e.getMessage()));
        }
    }

    private static void checkZone(List<Problem> problems, String key, String zone) {
        if (zone == null) {
            return;
        }
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            problems.add(new Problem(key, "unknown time zone '" + zone + "' (use e.g. UTC or Europe/Berlin)"));
        }
    }
}
