package dev.culprit.app;

import dev.culprit.events.IncidentKind;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFileException;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.IncidentFilter;
import dev.culprit.storage.IncidentQueries;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code culprit ui}: the live incident page. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = {"Serves a page listing open and recent incidents that updates live from the alerts on Kafka, "
                + "each linking to its report (as `culprit report` writes it). On 127.0.0.1, behind the console's login: "
                + "the read-only database user and its password (secrets/database.properties, reader.password). Runs until Ctrl-C."})
public final class UiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOption database;

    @Option(names = "--port", defaultValue = "8083", paramLabel = "N",
            description = "Port for the page; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    BindOption bind;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "The pipeline's Kafka, whose culprit.alerts the page follows (default: the embedded one running on --data-dir).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Option(names = "--since", defaultValue = "24h", converter = QueryCommand.TimeConverter.class, paramLabel = "TIME",
            description = "List incidents still going at or after this ISO-8601 time or this long ago (default: ${DEFAULT-VALUE}).")
    Instant since;

    @Option(names = "--kind", paramLabel = "KIND", description = "Only iowait, dos, mail or clock incidents.")
    IncidentKind kind;

    @Option(names = "--host", paramLabel = "HOST", description = "Only this host (case-insensitive).")
    String host;

    @Option(names = "--culprit", paramLabel = "TEXT",
            description = "Only incidents blaming something whose name contains TEXT (case-insensitive, literal).")
    String culprit;

    @Option(names = "--open", description = "Only incidents that have not ended.")
    boolean openOnly;

    @Option(names = "--limit", defaultValue = "200", paramLabel = "N", description = "At most N incidents listed (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Rule files whose thresholds the reports show (default: $CULPRIT_RULES, else /etc/culprit/rules/, else the shipped rules).")
    Path rulesDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was " + port);
        }
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
        }
        InetAddress address = bind.address();
        RuleSet rules;
        try {
            rules = SearchOrder.of(spec).loadRules(rulesDir, err);
        } catch (RuleFileException e) {
            Culprit.printMistake(err, spec.commandLine(), e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        DatabaseAccess access = database.access();
        KafkaAccess kafka = kafka();
        IncidentQueries queries = IncidentQueries.open(access);
        IncidentFilter filter = new IncidentFilter(since, null, kind, host, culprit, openOnly, limit);
        try (AlertsFeed feed = AlertsFeed.start(kafka)) {
            Server server = new LivePages(queries, filter, rules, feed, ZoneId.systemDefault()).server(address, port, access.login());
            server.start();
            try (StopSignal stop = StopSignal.install("culprit-ui")) {
                int listening = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
                PrintWriter out = spec.commandLine().getOut();
                out.println("culprit ui: incidents at http://" + address.getHostAddress() + ":" + listening + "/"
                        + (address.isLoopbackAddress() ? " (this machine only)" : "") + ", live from " + kafka + ". Ctrl-C to stop.");
                out.println("  log in: user " + access.login().user() + ", the password of `culprit console`");
                out.flush();
                stop.await(null);
            } finally {
                server.stop();
            }
        }
        return 0;
    }

    private KafkaAccess kafka() {
        try {
            if (bootstrapServers != null) {
                return kafkaClient.access(bootstrapServers, null);
            }
            if (database.target != null && database.target.url != null) {
                throw new ParameterException(spec.commandLine(), "with --db, give --bootstrap-servers: the Kafka whose alerts to follow");
            }
            Path addressFile = database.dataDir().resolve(EmbeddedRuntime.BOOTSTRAP_FILE);
            if (!Files.exists(addressFile)) {
                throw new ParameterException(spec.commandLine(), "no running pipeline in " + database.dataDir() + " (no "
                        + addressFile + "): start `culprit demo` there, or pass --bootstrap-servers");
            }
            return kafkaClient.access(Files.readString(addressFile).trim(),
                    database.dataDir().resolve(EmbeddedRuntime.KAFKA_CLIENT_PROPERTIES));
        } catch (KafkaClientOptions.UnusableKafkaProperties e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the embedded broker's address: " + e.getMessage(), e);
        }
    }
}
