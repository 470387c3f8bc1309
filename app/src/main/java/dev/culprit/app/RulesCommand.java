package dev.culprit.app;

import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.rules.files.RuleFile;
import dev.culprit.rules.files.RuleFiles;
import dev.culprit.rules.files.RuleKind;
import dev.culprit.rules.files.RuleProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code culprit rules}: the rule files the detectors run with. */
@Command(name = "rules", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Rule files: one YAML file per kind (iowait, dos, mail) in a directory such as rules/.",
        subcommands = {RulesCommand.Check.class, RulesCommand.Push.class})
public final class RulesCommand implements Runnable {

    private static final String DIR_DEFAULT = "The rules directory (default: the one the pipeline would load: "
            + "$CULPRIT_RULES, else /etc/culprit/rules/, else ./rules).";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND: check [DIR] or push [DIR]");
    }

    /** DIR as given, else the rules the pipeline would load, else {@code ./rules} (a checkout's shipped rules). */
    private static Path searched(CommandSpec spec, Path dir) {
        if (dir != null) {
            return dir;
        }
        SearchOrder.Found found = SearchOrder.of(spec).rulesDirectory(null);
        return found != null ? found.path() : Path.of(SearchOrder.RULES_DIRECTORY);
    }

    /** {@code culprit rules check DIR}: every mistake in a rules directory, before a run trips over it. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {
                "Reads every *.yaml file in DIR as the running pipeline would.",
                "",
                "Prints each file that loads, each kind left to its built-in defaults, and every mistake as "
                        + "FILE:LINE: reason. Exit code 0 when all files are good, 2 when any has a mistake."})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", arity = "0..1", description = DIR_DEFAULT)
        Path dir;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            Path dir = searched(spec, this.dir);
            RuleFiles.Check check = RuleFiles.check(dir);
            Set<RuleKind> withoutFile = EnumSet.allOf(RuleKind.class);
            for (RuleFile file : check.files()) {
                out.println("ok: " + file.file() + " (" + file.kind() + " \"" + file.name() + "\")");
                withoutFile.remove(file.kind());
            }
            if (check.ok()) {
                for (RuleKind kind : withoutFile) {
                    out.println("default: " + kind + " (no file in " + dir + "; built-in thresholds)");
                }
                out.flush();
                return 0;
            }
            for (RuleProblem problem : check.problems()) {
                err.println(problem);
            }
            long files = check.problems().stream().map(RuleProblem::file).distinct().count();
            int mistakes = check.problems().size();
            err.println("culprit rules check: " + mistakes + (mistakes == 1 ? " mistake" : " mistakes") + " in "
                    + files + (files == 1 ? " file" : " files"));
            out.flush();
            err.flush();
            return Culprit.EXIT_USAGE;
        }
    }

    /** {@code culprit rules push DIR}: new rules for a running pipeline, in force within seconds. */
    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {
                "Checks the rule files in DIR and, when all are good, publishes them to a running pipeline.",
                "",
                "They go to the culprit.rules topic; the pipeline applies them from its next event on, without a "
                        + "restart. Rules with a mistake are refused here (exit 2) and the rules in force stay."})
    static final class Push implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", arity = "0..1", description = DIR_DEFAULT)
        Path dir;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
                description = "The pipeline's Kafka (default: the embedded one running on --data-dir).")
        String bootstrapServers;

        @Mixin
        KafkaClientOptions kafkaClient;

        @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
                description = "Data directory of a running `culprit demo`, whose broker address and login "
                        + "(secrets/kafka-client.properties) are used (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            var err = spec.commandLine().getErr();
            Path dir = searched(spec, this.dir);
            RuleFiles.Check check = RuleFiles.check(dir);
            if (!check.ok()) {
                check.problems().forEach(err::println);
                err.println("culprit rules push: nothing pushed; the rules in force stay");
                return Culprit.EXIT_USAGE;
            }
            KafkaAccess kafka;
            try {
                if (bootstrapServers != null) {
                    kafka = kafkaClient.access(bootstrapServers, null);
                } else {
                    Path addressFile = dataDir.resolve(EmbeddedRuntime.BOOTSTRAP_FILE);
                    if (!Files.exists(addressFile)) {
                        err.println("culprit rules push: no running pipeline in " + dataDir + " (no " + addressFile
                                + "); pass --bootstrap-servers");
                        return Culprit.EXIT_USAGE;
                    }
                    kafka = kafkaClient.access(Files.readString(addressFile).trim(),
                            dataDir.resolve(EmbeddedRuntime.KAFKA_CLIENT_PROPERTIES));
                }
            } catch (KafkaClientOptions.UnusableKafkaProperties e) {
                err.println("culprit rules push: " + e.getMessage());
                return Culprit.EXIT_USAGE;
            }
            byte[] rules = EventCodec.mapper().writeValueAsBytes(check.ruleSet());
            try (var producer = new KafkaProducer<String, byte[]>(kafka.clientConfig(Map.of(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class)))) {
                producer.send(new ProducerRecord<>(
                        Topics.RULES, "rules", rules)).get();
            } catch (ExecutionException | KafkaException e) {
                err.println("culprit rules push: cannot publish to " + kafka + ": " + e.getMessage());
                return Culprit.EXIT_RUNTIME;
            }
            spec.commandLine().getOut().println("pushed " + check.files().size() + " rule file(s) from " + dir + " to " + kafka);
            return 0;
        }
    }
}
