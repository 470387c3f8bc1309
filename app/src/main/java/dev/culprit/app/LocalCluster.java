package dev.culprit.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.broker.LoopbackPorts;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.events.access.RandomSecret;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.HistoryServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real multi-process deployment on this machine, from Maven artifacts alone: a Kafka cluster of
 * three KRaft nodes (every Culprit topic with three copies, two in sync to take a write), a Flink
 * session cluster (a JobManager and TaskManagers) and H2's TCP server for the history. Each is a
 * process of its own, bound to 127.0.0.1, with its log and PID file under {@code <data-dir>/cluster/}
 * and {@link #STATE} saying where each listens. Nothing answers without the data directory's
 * secrets: Kafka takes SASL/PLAIN logins only, Flink's REST API and RPC mutual TLS only
 * ({@link LocalFlink}), H2 its logins ({@code secrets/database.properties}).
 *
 * <p>{@link #down} stops only the processes {@link #up} started: a PID is signalled only while the
 * process behind it still carries this cluster's mark on its command line.
 */
final class LocalCluster {

    static final String DIRECTORY = "cluster";
    static final String STATE = "cluster.properties";
    /** The history's database name on the H2 server: apart from the embedded runtime's culprit.mv.db. */
    static final String DATABASE = "culprit-cluster";
    /** The Kafka nodes' login as client properties, for `culprit collect --kafka-properties` and Kafka's tools. */
    static final String KAFKA_CLIENT_PROPERTIES = DataDirectory.SECRETS + "/cluster-kafka.properties";
    static final int BROKERS = 3;
    static final int SLOTS_PER_TASK_MANAGER = 2;
    private static final String H2_MANAGEMENT_PASSWORD = DataDirectory.SECRETS + "/cluster-h2-management.password";
    private static final String MARK = "-Dculprit.cluster.member=";
    private static final Duration READY_WITHIN = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What flink-dist's config.yaml gives every Flink JVM ({@code env.java.default-opts.all}): Flink
     * reaches into these JDK packages by reflection (a job's sinks are translated through one), and
     * Java 17 refuses that unless they are opened.
     */
    private static final List<String> FLINK_JVM_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** Where the engines' classes are: Flink's (engines/target/flink-lib) and the servers' (Kafka, H2). */
    record Engines(Path flinkLib, String serverClasspath) {}

    /** One process of the cluster, as its PID file and state file have it. */
    record Member(String name, long pid, boolean alive, String listens) {}

    private final Path dataDir;
    private final Path dir;
    private final Properties state;
    /** The members this command started, while it waits for them to come up. */
    private final Map<String, Process> startedHere = new LinkedHashMap<>();

    private LocalCluster(Path dataDir, Properties state) {
        this.dataDir = dataDir.toAbsolutePath();
        this.dir = this.dataDir.resolve(DIRECTORY);
        this.state = state;
    }

    /** The cluster {@code up} started under {@code dataDir}, if its state file is there. */
    static Optional<LocalCluster> of(Path dataDir) {
        Path file = dataDir.toAbsolutePath().resolve(DIRECTORY).resolve(STATE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties state = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            state.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(new LocalCluster(dataDir, state));
    }

    /**
     * Starts every process, waits until Kafka has its three nodes and Culprit's topics, H2 serves the
     * migrated history and every TaskManager has joined the JobManager; says each step to {@code progress}.
     * Anything that does not come up is stopped again, and the exception names its log.
     */
    static LocalCluster up(Path dataDir, Engines engines, int taskManagers, PrintWriter progress) throws IOException {
        if (of(dataDir).filter(LocalCluster::anyAlive).isPresent()) {
            throw new IllegalStateException("a cluster already runs under " + dataDir.toAbsolutePath().resolve(DIRECTORY)
                    + ": `culprit cluster status` shows it, `culprit cluster down` stops it");
        }
        if (!Files.isDirectory(engines.flinkLib())) {
            throw new IllegalStateException("Flink's classes are missing: no " + engines.flinkLib() + " (build it with "
                    + "`mvn -pl engines package`, or give --flink-lib)");
        }
        DataDirectory data = DataDirectory.prepare(dataDir, progress::println);
        // made and migrated here, then served: the server only serves databases that exist
        data.database(DATABASE).releaseWhenUnused();
        Path secrets = dataDir.toAbsolutePath().resolve(DataDirectory.SECRETS);
        String kafkaPassword = RandomSecret.generate();
        OwnerOnlyFile.privateDirectory(dataDir.toAbsolutePath().resolve(DIRECTORY));
        Files.deleteIfExists(dataDir.toAbsolutePath().resolve(KAFKA_CLIENT_PROPERTIES));
        OwnerOnlyFile.create(dataDir.toAbsolutePath().resolve(KAFKA_CLIENT_PROPERTIES),
                "# The login of the Kafka nodes `culprit cluster up` started. Keep it 0600.\n"
                        + KafkaAccess.saslPlainPropertiesText(EmbeddedKafka.USER, kafkaPassword));
        Files.deleteIfExists(dataDir.toAbsolutePath().resolve(H2_MANAGEMENT_PASSWORD));
        OwnerOnlyFile.create(dataDir.toAbsolutePath().resolve(H2_MANAGEMENT_PASSWORD), RandomSecret.generate() + "\n");

        Properties state = new Properties();
        List<Integer> ports = LoopbackPorts.free(2 * BROKERS + 4);
        StringBuilder voters = new StringBuilder();
        for (int n = 1; n <= BROKERS; n++) {
            voters.append(n == 1 ? "" : ",").append(n).append("@127.0.0.1:").append(ports.get(BROKERS + n - 1));
        }
        state.setProperty("kafka.bootstrap", java.util.stream.IntStream.range(0, BROKERS)
                .mapToObj(n -> "127.0.0.1:" + ports.get(n)).collect(Collectors.joining(",")));
        state.setProperty("h2.port", String.valueOf(ports.get(2 * BROKERS)));
        state.setProperty("flink.rest.port", String.valueOf(ports.get(2 * BROKERS + 1)));
        state.setProperty("flink.rpc.port", String.valueOf(ports.get(2 * BROKERS + 2)));
        state.setProperty("flink.blob.port", String.valueOf(ports.get(2 * BROKERS + 3)));
        state.setProperty("taskmanagers", String.valueOf(taskManagers));
        for (int n = 1; n <= BROKERS; n++) {
            state.setProperty("broker-" + n + ".port", String.valueOf(ports.get(n - 1)));
            state.setProperty("broker-" + n + ".controller.port", String.valueOf(ports.get(BROKERS + n - 1)));
        }
        state.setProperty("kafka.voters", voters.toString());
        LocalCluster cluster = new LocalCluster(dataDir, state);
        Files.createDirectories(cluster.dir.resolve("logs"));
        try (var out = Files.newBufferedWriter(cluster.dir.resolve(STATE))) {
            state.store(out, "written by culprit cluster up; read by status, submit and down");
        }
        try {
            progress.println("culprit: starting 3 Kafka nodes, H2, a Flink JobManager and " + taskManagers + " TaskManager(s) under "
                    + cluster.dir + " ...");
            cluster.writeLogConfiguration();
            cluster.startKafka(engines, kafkaPassword);
            cluster.startHistoryServer(engines);
            Path flinkConf = cluster.writeFlinkConfiguration(taskManagers);
            List<String> jobManagerFlags = resourceFlags(engines, flinkConf, "GET_JM_RESOURCE_PARAMS");
            List<String> taskManagerFlags = resourceFlags(engines, flinkConf, "GET_TM_RESOURCE_PARAMS");
            cluster.startFlink("jobmanager", engines, flinkConf, jobManagerFlags,
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", List.of());
            for (int n = 1; n <= taskManagers; n++) {
                cluster.startFlink("taskmanager-" + n, engines, flinkConf, taskManagerFlags,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", List.of("-D", "taskmanager.resource-id=taskmanager-" + n));
            }
            cluster.awaitKafka();
            progress.println("culprit: Kafka up on " + cluster.kafka().bootstrapServers() + " (topics with 3 copies, 2 in sync)");
            cluster.awaitPort("h2", cluster.port("h2.port"));
            progress.println("culprit: H2 serves " + cluster.databaseUrl());
            cluster.awaitTaskManagers(taskManagers);
            progress.println("culprit: Flink up on " + cluster.restUri() + " with " + taskManagers + " TaskManager(s) of "
                    + SLOTS_PER_TASK_MANAGER + " slots");
        } catch (RuntimeException | IOException e) {
            cluster.down(progress);
            throw e;
        }
        return cluster;
    }

    KafkaAccess kafka() {
        return KafkaAccess.fromPropertiesFile(state.getProperty("kafka.bootstrap"), kafkaClientProperties());
    }

    /** The history as the job reaches it: no settings in the URL, the login comes from the logins file. */
    String databaseUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + port("h2.port") + "/" + DATABASE;
    }

    Path kafkaClientProperties() {
        return dataDir.resolve(KAFKA_CLIENT_PROPERTIES);
    }

    Path databaseLogins() {
        return dataDir.resolve(DataDirectory.SECRETS).resolve(DataDirectory.DATABASE_LOGINS);
    }

    Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    URI restUri() {
        return URI.create("https://127.0.0.1:" + port("flink.rest.port"));
    }

    FlinkRest rest() {
        return new FlinkRest(restUri(), LocalFlink.keystore(dataDir));
    }

    int taskManagers() {
        return port("taskmanagers");
    }

    /** Every process of the cluster, with whether it still runs. */
    List<Member> members() {
        List<Member> members = new ArrayList<>();
        for (int n = 1; n <= BROKERS; n++) {
            members.add(member("broker-" + n, "127.0.0.1:" + state.getProperty("broker-" + n + ".port")));
        }
        members.add(member("h2", "127.0.0.1:" + state.getProperty("h2.port")));
        members.add(member("jobmanager", restUri().toString()));
        for (int n = 1; n <= taskManagers(); n++) {
            members.add(member("taskmanager-" + n, ""));
        }
        return members;
    }

    private Member member(String name, String listens) {
        long pid = pid(name);
        return new Member(name, pid, pid > 0 && ours(name, pid), listens);
    }

    boolean anyAlive() {
        return members().stream().anyMatch(Member::alive);
    }

    /** Kills one member at once (SIGKILL), as a crash would: for failover drills and tests. */
    void kill(String name) {
        long pid = pid(name);
        if (pid > 0 && ours(name, pid)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        }
    }

    /**
     * Stops every member that still runs: TaskManagers and the JobManager first (the job stops
     * writing), then H2 and Kafka; SIGTERM, then SIGKILL for one that has not gone within 20 s.
     */
    void down(PrintWriter progress) {
        List<Member> members = new ArrayList<>(members());
        java.util.Collections.reverse(members);
        List<ProcessHandle> stopping = new ArrayList<>();
        for (Member m : members) {
            if (m.alive()) {
                ProcessHandle.of(m.pid()).ifPresent(p -> {
                    p.destroy();
                    stopping.add(p);
                });
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (ProcessHandle p : stopping) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        for (Member m : members) {
            try {
                Files.deleteIfExists(dir.resolve(m.name() + ".pid"));
            } catch (IOException e) {
                // a stale PID file is checked against the process's mark before it is ever used
            }
        }
        progress.println("culprit: stopped " + stopping.size() + " process(es) under " + dir);
    }

    private void startKafka(Engines engines, String password) throws IOException {
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        for (int n = 1; n <= BROKERS; n++) {
            Path node = dir.resolve("broker-" + n);
            Path logDir = node.resolve("data");
            Files.createDirectories(logDir);
            EmbeddedKafka.format(logDir, clusterId, n);
            Properties p = EmbeddedKafka.nodeProperties(n, logDir, port("broker-" + n + ".port"), port("broker-" + n + ".controller.port"),
                    state.getProperty("kafka.voters"), password, (short) BROKERS);
            Path file = node.resolve("server.properties");
            Files.deleteIfExists(file);
            StringBuilder text = new StringBuilder("# written by culprit cluster up; holds the nodes' password, keep it 0600\n");
            new TreeMap<>(p).forEach((k, v) -> text.append(k).append('=').append(escaped(v.toString())).append('\n'));
            OwnerOnlyFile.create(file, text.toString());
            List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx512m"));
            jvm.addAll(logFlags("broker-" + n));
            start("broker-" + n, jvm, engines.serverClasspath(), "kafka.Kafka", List.of(file.toString()));
        }
    }

    private void startHistoryServer(Engines engines) throws IOException {
        start("h2", List.of("-Xmx256m", "-Dh2.bindAddress=127.0.0.1"), engines.serverClasspath(), HistoryServer.class.getName(),
                List.of(state.getProperty("h2.port"), dataDir.toString(), dataDir.resolve(H2_MANAGEMENT_PASSWORD).toString()));
    }

    /**
     * Flink's configuration for every member: loopback and mutual TLS as the embedded runtime has them,
     * the ports chosen here, and heartbeats short enough that a dead TaskManager is noticed in seconds.
     */
    private Path writeFlinkConfiguration(int taskManagers) throws IOException {
        Configuration conf = LocalFlink.lockedDown(dataDir);
        Map<String, String> settings = new TreeMap<>(conf.toMap());
        settings.put("jobmanager.rpc.port", state.getProperty("flink.rpc.port"));
        settings.put("rest.port", state.getProperty("flink.rest.port"));
        settings.put("blob.server.port", state.getProperty("flink.blob.port"));
        settings.put("taskmanager.numberOfTaskSlots", String.valueOf(SLOTS_PER_TASK_MANAGER));
        settings.put("parallelism.default", String.valueOf(Math.min(taskManagers * SLOTS_PER_TASK_MANAGER, 2)));
        settings.put("jobmanager.memory.process.size", "768m");
        settings.put("taskmanager.memory.process.size", "1024m");
        settings.put("taskmanager.memory.managed.fraction", "0.1");
        // a job's slots spread over the TaskManagers, so that losing one loses part of the job, not all of it
        settings.put("cluster.evenly-spread-out-slots", "true");
        settings.put("heartbeat.interval", "2000");
        settings.put("heartbeat.timeout", "10000");
        settings.put("execution.checkpointing.dir", checkpoints().toUri().toString());
        settings.put("jobmanager.web.submit.enable", "true");
        settings.put("web.upload.dir", dir.resolve("jars").toString());
        Path confDir = dir.resolve("flink-conf");
        OwnerOnlyFile.privateDirectory(confDir);
        StringBuilder yaml = new StringBuilder("# written by culprit cluster up; holds the TLS key's password, keep it 0600\n");
        for (Map.Entry<String, String> setting : settings.entrySet()) { // a JSON string is a YAML scalar too
            yaml.append(setting.getKey()).append(": ").append(JSON.writeValueAsString(setting.getValue())).append('\n');
        }
        Path file = confDir.resolve("config.yaml");
        Files.deleteIfExists(file);
        OwnerOnlyFile.create(file, yaml.toString());
        return confDir;
    }

    /**
     * The JVM flags and memory settings Flink's own start scripts give a JobManager or TaskManager,
     * computed by Flink from the configuration ({@code BashJavaUtils}, what flink-dist's scripts run).
     */
    private static List<String> resourceFlags(Engines engines, Path confDir, String which) throws IOException {
        Process p = new ProcessBuilder(java(), "-cp", engines.flinkLib() + "/*", "org.apache.flink.runtime.util.bash.BashJavaUtils",
                which, "--configDir", confDir.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while Flink computed its memory settings", e);
        }
        List<String> results = output.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).strip()).toList();
        if (p.exitValue() != 0 || results.size() < 2) {
            throw new IOException("Flink could not compute its " + which + " from " + confDir + ": " + output.strip());
        }
        // first line: JVM flags; second: -D settings for the entry point
        List<String> flags = new ArrayList<>(Arrays.asList(results.get(results.size() - 2).split("\\s+")));
        flags.add("--");
        flags.addAll(Arrays.asList(results.get(results.size() - 1).split("\\s+")));
        return flags;
    }

    private void startFlink(String name, Engines engines, Path confDir, List<String> resourceFlags, String main,
                            List<String> extraSettings) throws IOException {
        int split = resourceFlags.indexOf("--");
        List<String> jvm = new ArrayList<>(resourceFlags.subList(0, split));
        jvm.addAll(FLINK_JVM_OPENS);
        jvm.addAll(logFlags(name));
        List<String> arguments = new ArrayList<>(List.of("--configDir", confDir.toString()));
        arguments.addAll(resourceFlags.subList(split + 1, resourceFlags.size()));
        arguments.addAll(extraSettings);
        start(name, jvm, engines.flinkLib() + "/*", main, arguments);
    }

    /**
     * Starts one member in a session of its own ({@code setsid}), so that it outlives this command
     * and a Ctrl-C in the terminal that ran {@code up}; its output goes to its log, its PID to its file.
     */
    private void start(String name, List<String> jvmFlags, String classpath, String main, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(java());
        command.addAll(jvmFlags);
        command.add(MARK + dir.resolve(name));
        command.add("-cp");
        command.add(classpath);
        command.add(main);
        command.addAll(arguments);
        Path log = dir.resolve("logs").resolve(name + ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()))
                .redirectInput(Redirect.from(new java.io.File("/dev/null"))).start();
        Files.writeString(dir.resolve(name + ".pid"), process.pid() + "\n");
        startedHere.put(name, process);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private long pid(String name) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(name + ".pid")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code pid} is still this cluster's {@code name}: a PID the kernel gave to another process since is not. */
    private boolean ours(String name, long pid) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
            String mark = MARK + dir.resolve(name);
            return Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\u0000")).contains(mark);
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitKafka() {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        for (int n = 1; n <= BROKERS; n++) {
            awaitPort("broker-" + n, port("broker-" + n + ".port"));
        }
        KafkaAccess kafka = kafka();
        while (true) {
            try (Admin admin = Admin.create(kafka.clientConfig(Map.of(
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000)))) {
                if (admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == BROKERS) {
                    break;
                }
            } catch (Exception e) {
                // not all of them yet
            }
            check(deadline, "the 3 Kafka nodes did not form a cluster", "broker-1");
            sleep(500);
        }
        EmbeddedKafka.pinTransactionVersion(kafka);
        EmbeddedKafka.createTopics(kafka, Topics.ALL, (short) BROKERS);
    }

    private void awaitPort(String name, int port) {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!LoopbackPorts.listening(port)) {
            check(deadline, name + " did not open port " + port, name);
            sleep(200);
        }
    }

    private void awaitTaskManagers(int count) {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        FlinkRest rest = rest();
        while (true) {
            try {
                JsonNode overview = rest.get("/overview");
                if (overview.path("taskmanagers").asInt() >= count) {
                    return;
                }
            } catch (IOException e) {
                // the REST endpoint is not up yet
            }
            check(deadline, "the JobManager did not see " + count + " TaskManager(s)", "jobmanager");
            sleep(500);
        }
    }

    /**
     * Fails with the member's log when one has died or the wait is over. Whether a member died is
     * asked of the process this command started, not of its PID file and {@code /proc}: read while
     * the member was still being exec'd, its command line could lack the mark (CI once saw a
     * TaskManager "exit" a moment after its start, with nothing in its output).
     */
    private void check(long deadline, String what, String logOf) {
        for (Map.Entry<String, Process> member : startedHere.entrySet()) {
            if (!member.getValue().isAlive()) {
                String name = member.getKey();
                throw new IllegalStateException(name + " exited during start (exit code " + member.getValue().exitValue()
                        + "); its log: " + dir.resolve("logs") + "/" + name + ".*\n" + tail(name));
            }
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(what + " within " + READY_WITHIN.toMinutes() + " min; see " + dir.resolve("logs")
                    + "/" + logOf + ".*\n" + tail(logOf));
        }
    }

    private String tail(String name) {
        return Stream.of(".log", ".out").map(ext -> dir.resolve("logs").resolve(name + ext)).filter(Files::exists).map(f -> {
            try {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                return "";
            }
        }).collect(Collectors.joining("\n"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the cluster started", e);
        }
    }

    /** One log4j 2 configuration for every member: INFO and above to the file in {@code -Dlog.file}. */
    private Path writeLogConfiguration() throws IOException {
        Path file = dir.resolve("log4j2.properties");
        Files.writeString(file, String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = File",
                "appender.file.name = File",
                "appender.file.type = File",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c - %m%n",
                ""));
        return file;
    }

    private List<String> logFlags(String name) {
        return List.of("-Dlog.file=" + dir.resolve("logs").resolve(name + ".log"),
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri(),
                "-Dlog4j.configurationFile=" + dir.resolve("log4j2.properties").toUri());
    }

    private static String escaped(String value) {
        return value.replace("\\", "\\\\");
    }

    private int port(String key) {
        return Integer.parseInt(state.getProperty(key));
    }
}
