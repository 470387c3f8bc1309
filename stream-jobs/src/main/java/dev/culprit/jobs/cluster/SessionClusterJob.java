package dev.culprit.jobs.cluster;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.text.Durations;
import dev.culprit.jobs.CulpritJob;
import dev.culprit.jobs.KafkaEndpoints;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.jobs.sinks.RawEventSink;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFiles;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.DatabaseLogins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * The detection job as a Flink session cluster runs it: the main class of the job jar
 * ({@code flink run}, or the REST API's {@code /jars/<id>/run}). Kafka in, alerts to the alerts
 * topic in Kafka transactions, incidents and raw events to an H2 server, rules from a directory at
 * start and from the rules topic while it runs, as in the embedded runtime.
 *
 * <p>Every setting comes from an argument or, failing that, from the environment of the process
 * that runs this main (the JobManager's, for a REST submission): {@link Setting} lists them, and
 * {@code --help} prints them. Secrets only ever come from files their owner alone can read.
 */
public final class SessionClusterJob {

    /** One setting: its argument, the environment variable that stands in for it, its default (null: required). */
    enum Setting {
        BOOTSTRAP_SERVERS("bootstrap-servers", "CULPRIT_BOOTSTRAP_SERVERS", null,
                "the Kafka the collectors publish to, HOST:PORT[,...]"),
        KAFKA_PROPERTIES("kafka-properties", "CULPRIT_KAFKA_PROPERTIES", "",
                "Kafka client properties with the cluster's login and TLS settings (owner-only file); none: unauthenticated"),
        DB_URL("db-url", "CULPRIT_DB_URL", null,
                "the H2 server holding the history, jdbc:h2:tcp://HOST:PORT/NAME (made and migrated by `culprit cluster up`)"),
        DB_LOGINS("db-logins", "CULPRIT_DB_LOGINS", null,
                "the database logins file (a data directory's secrets/database.properties; owner-only); the job uses its pipeline login"),
        RULES("rules", "CULPRIT_RULES", "",
                "a directory of rule files read at start; none: the shipped rules. Pushed rules (culprit rules push) apply while it runs"),
        PARALLELISM("parallelism", "CULPRIT_PARALLELISM", "",
                "parallel instances of each operator, hosts spread over them by name; none: the submission's or the cluster's parallelism.default"),
        CHECKPOINTS("checkpoints", "CULPRIT_CHECKPOINTS", "",
                "where checkpoints go, a URI every JobManager and TaskManager reaches (file:///shared/dir); none: the cluster's own setting"),
        CHECKPOINT_INTERVAL("checkpoint-interval", "CULPRIT_CHECKPOINT_INTERVAL", "5s",
                "how often state is checkpointed and the alerts of the interval committed"),
        KEEP_EVENTS("keep-events", "CULPRIT_KEEP_EVENTS", "7d",
                "how long raw events are kept in H2 for capture and reports"),
        TRANSACTION_PREFIX("transaction-prefix", "CULPRIT_TRANSACTION_PREFIX", "culprit-cluster-alerts",
                "the alerts' Kafka transactional id prefix: one per deployment sharing a Kafka"),
        JOB_NAME("job-name", "CULPRIT_JOB_NAME", "culprit-detection",
                "the job's name in Flink, and the Kafka consumer group of its sources");

        final String argument;
        final String variable;
        final String fallback;
        final String description;

        Setting(String argument, String variable, String fallback, String description) {
            this.argument = argument;
            this.variable = variable;
            this.fallback = fallback;
            this.description = description;
        }
    }

    /** A setting that is missing or wrong; the message names it and what it must be. */
    public static final class SettingException extends IllegalArgumentException {
        SettingException(String message) {
            super(message);
        }
    }

    private SessionClusterJob() {}

    public static void main(String[] args) throws Exception {
        ParameterTool arguments = ParameterTool.fromArgs(args);
        if (arguments.has("help")) {
            System.out.println(usage());
            return;
        }
        Settings settings = Settings.of(arguments.toMap(), System.getenv());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings.flinkConfiguration());
        settings.build(env);
        env.execute(settings.jobName());
    }

    /** What {@code --help} prints: every setting with its variable and default. */
    static String usage() {
        StringBuilder out = new StringBuilder("The Culprit detection job for a Flink session cluster.\n"
                + "Each setting is --NAME VALUE, or else its environment variable:\n");
        for (Setting s : Setting.values()) {
            out.append(String.format(Locale.ROOT, "  --%-20s $%-28s %s%s%n", s.argument, s.variable, s.description,
                    s.fallback == null ? " (required)" : s.fallback.isEmpty() ? "" : " (default: " + s.fallback + ")"));
        }
        return out.toString();
    }

    /** The settings read and checked: everything wrong is said before the job is built. */
    /** {@code parallelism} 0: as the submission or the cluster says. */
    record Settings(KafkaAccess kafka, DatabaseAccess database, RuleSet rules, int parallelism, String checkpoints,
                    Duration checkpointInterval, Duration keepEvents, String transactionPrefix, String jobName) {

        static Settings of(Map<String, String> arguments, Map<String, String> environment) {
            Function<Setting, String> value = s -> {
                String given = arguments.get(s.argument);
                if (given == null || given.isBlank()) {
                    given = environment.get(s.variable);
                }
                if (given == null || given.isBlank()) {
                    if (s.fallback == null) {
                        throw new SettingException("--" + s.argument + " (or $" + s.variable + ") is required: " + s.description);
                    }
                    return s.fallback;
                }
                return given.strip();
            };
            for (String given : arguments.keySet()) {
                if (java.util.Arrays.stream(Setting.values()).noneMatch(s -> s.argument.equals(given))) {
                    throw new SettingException("unknown argument --" + given + "; --help lists the settings");
                }
            }
            String bootstrap = value.apply(Setting.BOOTSTRAP_SERVERS);
            String kafkaProperties = value.apply(Setting.KAFKA_PROPERTIES);
            KafkaAccess kafka;
            try {
                kafka = kafkaProperties.isEmpty() ? KafkaAccess.unauthenticated(bootstrap)
                        : KafkaAccess.fromPropertiesFile(bootstrap, Path.of(kafkaProperties));
            } catch (RuntimeException e) {
                throw new SettingException("--" + Setting.KAFKA_PROPERTIES.argument + " " + kafkaProperties + ": " + e.getMessage());
            }
            String url = value.apply(Setting.DB_URL);
            if (!url.startsWith("jdbc:h2:tcp://") && !url.startsWith("jdbc:h2:ssl://")) {
                throw new SettingException("--" + Setting.DB_URL.argument + " must be an H2 server's URL (jdbc:h2:tcp://HOST:PORT/NAME): "
                        + "the job's tasks run in other processes, which cannot share a database file; got " + url);
            }
            if (url.contains(";")) {
                throw new SettingException("--" + Setting.DB_URL.argument + " takes no ;SETTINGS (the login comes from --"
                        + Setting.DB_LOGINS.argument + "): " + url);
            }
            Path logins = Path.of(value.apply(Setting.DB_LOGINS));
            DatabaseAccess database;
            try {
                database = new DatabaseAccess(url, DatabaseLogins.read(logins).pipeline());
            } catch (RuntimeException e) {
                throw new SettingException("--" + Setting.DB_LOGINS.argument + " " + logins + ": " + e.getMessage());
            }
            String rulesDir = value.apply(Setting.RULES);
            RuleSet rules;
            if (rulesDir.isEmpty()) {
                rules = RuleSet.DEFAULT;
            } else if (!Files.isDirectory(Path.of(rulesDir))) {
                throw new SettingException("--" + Setting.RULES.argument + " " + rulesDir + " is not a directory");
            } else {
                rules = RuleFiles.load(Path.of(rulesDir)); // a mistake names the file and line
            }
            String parallelism = value.apply(Setting.PARALLELISM);
            return new Settings(kafka, database, rules, parallelism.isEmpty() ? 0 : positive(Setting.PARALLELISM, parallelism),
                    value.apply(Setting.CHECKPOINTS), duration(Setting.CHECKPOINT_INTERVAL, value.apply(Setting.CHECKPOINT_INTERVAL)),
                    duration(Setting.KEEP_EVENTS, value.apply(Setting.KEEP_EVENTS)),
                    value.apply(Setting.TRANSACTION_PREFIX), value.apply(Setting.JOB_NAME));
        }

        /** Exactly-once checkpoints at the interval asked for, and the job's failure policy ({@link CulpritJob#surviveFailures}). */
        Configuration flinkConfiguration() {
            Configuration conf = new Configuration();
            CulpritJob.surviveFailures(conf);
            conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
            if (!checkpoints.isEmpty()) {
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
            }
            return conf;
        }

        void build(StreamExecutionEnvironment env) {
            if (parallelism > 0) {
                env.setParallelism(parallelism);
            }
            new CulpritJob(
                    KafkaEndpoints.source(kafka, jobName),
                    List.of(KafkaEndpoints.alertSink(kafka, transactionPrefix), new IncidentStoreSink(database)),
                    KafkaEndpoints.deadLetterSink(kafka),
                    rules,
                    KafkaEndpoints.ruleUpdates(kafka, jobName),
                    new RawEventSink(database, keepEvents))
                    .build(env);
        }

        private static int positive(Setting s, String text) {
            try {
                int n = Integer.parseInt(text);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new SettingException("--" + s.argument + " must be a whole number above 0, not " + text);
        }

        private static Duration duration(Setting s, String text) {
            return Durations.read(text).filter(d -> !d.isZero()).orElseThrow(() -> new SettingException(
                    "--" + s.argument + " must be a duration above 0 (a number and one of " + Durations.UNITS + ", e.g. 5s), not " + text));
        }
    }
}
