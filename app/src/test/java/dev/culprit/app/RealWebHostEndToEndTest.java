package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Culprit;
import dev.culprit.events.IncidentKind;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFiles;
import dev.culprit.storage.RawEventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product on real software: a real Apache with mod_status, mod_evasive and mod_php on
 * loopback, real PHP mail, real disk writes, read by Culprit's own collectors into the embedded
 * runtime (Kafka, Flink, H2) with the shipped rules, and the incidents then found by
 * {@code culprit query}. Every process the test starts it stops again, by PID.
 *
 * <p>Shipped rules, with one change the test's budget needs: the mail rule's window and cool-down
 * (10 minutes each) become 1 minute and 30 s, so a mail flood resolves within this run; its
 * thresholds stay as shipped.
 */
@Tag("slow")
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class RealWebHostEndToEndTest {

    private static final String HOST = "e2e-web";
    /** How soon after its condition starts an incident must be on the console, beyond the rule's own hold ({@code for}). */
    private static final Duration PROMPT = Duration.ofSeconds(10);
    private static final String LEGIT = "127.0.0.10";
    private static final String MONITOR = "127.0.0.11";
    /** scripts/demo-attack.sh dos: two addresses hammering one page each, which mod_evasive blocks... */
    private static final String PAGE_FLOODER = "127.0.0.66";
    private static final String OTHER_PAGE_FLOODER = "127.0.0.67";
    /** ...and one asking for many different pages, each once: under mod_evasive's counts, yet 80 times the visitor's rate. */
    private static final String QUIET_FLOODER = "127.0.0.68";
    /** Where scripts/demo-attack.sh's mail scenario calls its bulk mailer from. */
    private static final String BULK_CALLER = "127.0.0.77";
    /** The attacks are the ones a user runs by hand (README): the suite tests the script too. */
    private static final String DEMO_ATTACK = Path.of("../scripts/demo-attack.sh").toAbsolutePath().normalize().toString();

    @TempDir
    Path work;

    private final Processes processes = new Processes();
    private final List<Heard> heard = new CopyOnWriteArrayList<>();
    private PrivateApache apache;

    /** An alert as the operator saw it, with the wall-clock time it reached the console. */
    private record Heard(long atMs, Alert alert) {}

    @BeforeEach
    void prerequisites() {
        List<String> missing = PrivateApache.missing();
        if (!missing.isEmpty()) {
            String why = "needs " + String.join(", ", missing) + " (apt-get install apache2 libapache2-mod-evasive "
                    + "libapache2-mod-php php-cli curl; .ci/run does)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true and the end-to-end suite " + why);
            }
            Assumptions.abort(why);
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        processes.close();
        if (apache != null) {
            apache.close();
        }
    }

    @Test
    void aRealHostsDosMailFloodAndDiskStallAreEachFoundOnceWithTheirCulpritsAndNoOneElse() throws Exception {
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        apache = PrivateApache.start(Files.createDirectories(work.resolve("apache")));
        writeSite();
        Path dataDir = work.resolve("data");
        Path config = writeCollectorConfig();
        RuleSet rules = RuleFiles.load(shippedRulesWithAShortMailWindow());
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = Pipeline.start(runtime, ConfigLoader.load(config), rules, Duration.ofDays(1),
                     new PrintStream(console, true, StandardCharsets.UTF_8), false,
                     List.of(alert -> heard.add(new Heard(System.currentTimeMillis(), alert))), List.of())) {
            // the bystanders, from start to end: a visitor browsing slowly and a monitor polling the status page
            processes.shell("while :; do curl -s -o /dev/null --interface " + LEGIT + " " + apache.url("/") + "; "
                    + "curl -s -o /dev/null --interface " + LEGIT + " " + apache.url("/contact.html") + "; sleep 2; done");
            processes.shell("while :; do curl -s -o /dev/null --interface " + MONITOR + " '" + apache.url("/server-status?auto") + "'; sleep 1; done");

            // quiet: a minute of normal traffic gives the request-rate baseline something to learn, and no incident
            Thread.sleep(30_000);
            assertThat(heard).as("alerts while the host is quiet").isEmpty();

            long dosStart = System.currentTimeMillis();
            processes.shell(DEMO_ATTACK + " dos --seconds 40 --url " + apache.url("/"));
            Heard dos = await(IncidentKind.DOS, Alert.State.FIRING, dosStart + rules.dos().forMs() + PROMPT.toMillis());
            Thread.sleep(Math.max(0, dosStart + 42_000 - System.currentTimeMillis()));

            for (int i = 1; i <= 2; i++) {
                processes.run("curl", "-s", "-o", "/dev/null", "--interface", LEGIT, "--data", "name=Alice" + i + "&message=hello",
                        apache.url("/contact.php").toString());
            }
            processes.run("php", "-d", "mail.log=" + apache.log("mail.log"), "-d", "sendmail_path=" + apache.sendmailSink(),
                    work.resolve("cron/report.php").toString());
            long mailStart = System.currentTimeMillis();
            processes.shell(DEMO_ATTACK + " mail --send-mail-to-example-invalid --docroot " + apache.docroot() + " --url " + apache.url("/"));
            // the mail rule has no hold: its condition starts with the bulk mailer's first mails
            Heard mail = await(IncidentKind.MAIL, Alert.State.FIRING, mailStart + PROMPT.toMillis());

            long ioStart = System.currentTimeMillis();
            processes.shell(DEMO_ATTACK + " io --seconds 40");
            // I/O pressure is a 10-second average and iowait flickers on 2 busy cores: the condition that
            // held starts some seconds into the load, and the deadline counts from there, where the
            // incident itself says it started (the first sample of the stretch that held)
            Heard io = await(IncidentKind.IOWAIT, Alert.State.FIRING, ioStart + 45_000);
            long conditionStart = io.alert().incident().start();
            assertThat(conditionStart - ioStart).as("ms from the writer's start to the condition's").isBetween(-1_000L, 25_000L);
            assertThat(firstStalledSample(runtime, rules, ioStart)).as("a stored sample over the thresholds at or before it")
                    .isLessThanOrEqualTo(conditionStart);
            assertThat(io.atMs()).as("I/O-wait FIRING on time").isLessThanOrEqualTo(conditionStart + rules.iowait().forMs() + PROMPT.toMillis());

            awaitResolved(dos, dosStart + 40_000 + rules.dos().cooldownMs() + 45_000);
            awaitResolved(io, ioStart + 40_000 + rules.iowait().cooldownMs() + 45_000);
            awaitResolved(mail, mailStart + 10_000 + 60_000 + 30_000 + 45_000);

            assertOneIncident(IncidentKind.DOS);
            Alert dosLast = last(dos);
            assertThat(names(dosLast, "client")).as("DoS clients").contains(PAGE_FLOODER, OTHER_PAGE_FLOODER, QUIET_FLOODER)
                    .doesNotContain(LEGIT, MONITOR, "127.0.0.1");

            assertOneIncident(IncidentKind.MAIL);
            Alert mailLast = last(mail);
            assertThat(names(mailLast, "script")).as("mailing scripts")
                    .containsExactly(apache.docroot().resolve("culprit-demo-bulk.php").toString());
            Culprit bulk = mailLast.incident().culprits().stream().filter(c -> c.role().equals("script")).findFirst().orElseThrow();
            assertThat(bulk.details().get("clients")).as("who called the bulk script, in %s", story(mail))
                    .isNotNull().contains(BULK_CALLER).doesNotContain(LEGIT);

            assertOneIncident(IncidentKind.IOWAIT);
            Alert ioLast = last(io);
            List<String> processNames = names(ioLast, "process").stream().map(n -> n.substring(n.indexOf(' ') + 1)).toList();
            assertThat(processNames).as("processes charged with the stall").isNotEmpty().first().isEqualTo("dd");
            assertThat(processNames).doesNotContain("timeout", "sh", "sha256sum");
            assertThat(names(ioLast, "disk")).as("the disk behind the stall").isNotEmpty()
                    .allMatch(disk -> Files.isDirectory(Path.of("/sys/block", disk)), "a block device of this machine");

            String history = culprit("query", "incidents", "--data-dir", dataDir.toString(), "--since", "1h", "--format", "json");
            for (Heard incident : List.of(dos, mail, io)) {
                assertThat(history).as("culprit query incidents").contains(incident.alert().incident().id());
            }
        }
    }

    /** The alert of that kind and state, once it reaches the console; fails past the deadline. */
    private Heard await(IncidentKind kind, Alert.State state, long deadlineMs) throws InterruptedException {
        Predicate<Heard> wanted = h -> h.alert().incident().kind() == kind && h.alert().state() == state;
        while (System.currentTimeMillis() < deadlineMs + 1_000) {
            var found = heard.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                assertThat(found.get().atMs()).as(kind + " " + state + " on time").isLessThanOrEqualTo(deadlineMs);
                return found.get();
            }
            Thread.sleep(200);
        }
        return fail("no " + kind + " " + state + " alert in time; heard: " + heard.stream()
                .map(h -> h.alert().state() + " " + h.alert().incident().summary()).toList());
    }

    /** When the first CPU sample at or after {@code fromMs} crossed the I/O-wait rule's iowait or pressure threshold. */
    private static long firstStalledSample(EmbeddedRuntime runtime, RuleSet rules, long fromMs) {
        return new RawEventStore(runtime.database()).read(fromMs, Long.MAX_VALUE, HOST).stream()
                .filter(e -> e instanceof CpuSample cpu && (cpu.iowaitPct() >= rules.iowait().iowaitPct()
                        || cpu.ioSomeAvg10() != null && cpu.ioSomeAvg10() >= rules.iowait().pressureSomePct()))
                .mapToLong(e -> e.ts()).min()
                .orElseGet(() -> fail("no sample of " + HOST + " crossed the I/O-wait thresholds after the writer started"));
    }

    private void awaitResolved(Heard firing, long deadlineMs) throws InterruptedException {
        String id = firing.alert().incident().id();
        while (System.currentTimeMillis() < deadlineMs) {
            if (heard.stream().anyMatch(h -> h.alert().incident().id().equals(id) && h.alert().state() == Alert.State.RESOLVED)) {
                return;
            }
            Thread.sleep(500);
        }
        fail(firing.alert().incident().kind() + " incident " + id + " did not resolve after its condition stopped");
    }

    private void assertOneIncident(IncidentKind kind) {
        assertThat(heard.stream().filter(h -> h.alert().incident().kind() == kind).map(h -> h.alert().incident().id()).distinct())
                .as("%s incidents", kind).hasSize(1);
    }

    /** Every alert of the incident, as the console showed it: what a failure needs to be understood. */
    private List<String> story(Heard firing) {
        String id = firing.alert().incident().id();
        return heard.stream().map(Heard::alert).filter(a -> a.incident().id().equals(id))
                .map(a -> a.state() + " " + a.incident().summary() + " " + a.incident().culprits()).toList();
    }

    /** The incident's last alert (its resolution): its culprits are those of the whole incident. */
    private Alert last(Heard firing) {
        String id = firing.alert().incident().id();
        return heard.stream().map(Heard::alert).filter(a -> a.incident().id().equals(id)).reduce((a, b) -> b).orElseThrow();
    }

    private static List<String> names(Alert alert, String role) {
        return alert.incident().culprits().stream().filter(c -> c.role().equals(role)).map(Culprit::name).toList();
    }

    private static String culprit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = dev.culprit.app.Culprit.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        assertThat(exit).as("culprit %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private void writeSite() throws Exception {
        Path docroot = apache.docroot();
        Files.writeString(docroot.resolve("index.html"), "<html><body>shop</body></html>\n");
        Files.writeString(docroot.resolve("contact.html"), "<html><body><form action=contact.php method=post></form></body></html>\n");
        Files.writeString(docroot.resolve("contact.php"), String.join("\n",
                "<?php",
                "// a contact form: one mail per message",
                "$ok = mail('info@shop.example', 'Contact form: ' . ($_POST['name'] ?? 'anonymous'), $_POST['message'] ?? '',",
                "    'From: webform@shop.example');",
                "echo $ok ? \"Thanks.\\n\" : \"Sorry.\\n\";", ""));
        Path cron = Files.createDirectories(work.resolve("cron"));
        Files.writeString(cron.resolve("report.php"), "<?php\nmail('reports@shop.example', 'Nightly report', \"all good\\n\", 'From: cron@shop.example');\n");
        processes.run("chmod", "-R", "a+rX", docroot.toString());
    }

    private Path writeCollectorConfig() throws Exception {
        Path config = work.resolve("collector.yaml");
        Files.writeString(config, String.join("\n",
                "host: " + HOST,
                "sources:",
                "  proc:",
                "    interval: 1s",
                "  apache:",
                "    enabled: true",
                "    url: " + apache.statusUrl(),
                "    interval: 1s",
                "  evasive:",
                "    enabled: true",
                "    dosLogDir: " + apache.dosLogDir(),
                "    errorLog: " + apache.log("error.log"),
                "    syslog: " + apache.log("syslog-never-written"),
                "  phpmail:",
                "    enabled: true",
                "    log: " + apache.log("mail.log"),
                "  access:",
                "    enabled: true",
                "    log: " + apache.log("access.log"),
                "    format: combined",
                ""));
        return config;
    }

    /** The shipped rule files, the mail rule's window and cool-down shortened (see the class comment). */
    private Path shippedRulesWithAShortMailWindow() throws Exception {
        return TestRules.shippedWithAShortMailWindow(work);
    }
}
