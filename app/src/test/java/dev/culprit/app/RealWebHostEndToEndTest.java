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
    private static final String PAGE_FLOODER = "127.0.0.66";
    private static final String LOGIN_FLOODER = "127.0.0.67";
    /** Many different pages, each once: under mod_evasive's page and site counts, yet 80 times the legitimate rate. */
    private static final String QUIET_FLOODER = "127.0.0.68";
    private static final String BULK_CALLER = "127.0.0.77";

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
            processes.shell("timeout 40 curl -s -o /dev/null --rate 150/s --interface " + PAGE_FLOODER + " '"
                    + apache.url("/index.html?q=[1-100000]") + "'");
            processes.shell("timeout 40 curl -s -o /dev/null --rate 150/s --interface " + LOGIN_FLOODER + " '"
                    + apache.url("/login.php?try=[1-100000]") + "'");
            processes.shell("timeout 40 curl -s -o /dev/null --rate 40/s --interface " + QUIET_FLOODER + " '"
                    + apache.url("/page-[1-100000].html") + "'");
            Heard dos = await(IncidentKind.DOS, Alert.State.FIRING, dosStart + rules.dos().forMs() + PROMPT.toMillis());
            Thread.sleep(Math.max(0, dosStart + 42_000 - System.currentTimeMillis()));

            long mailStart = System.currentTimeMillis();
            for (int i = 1; i <= 2; i++) {
                processes.run("curl", "-s", "-o", "/dev/null", "--interface", LEGIT, "--data", "name=Alice" + i + "&message=hello",
                        apache.url("/contact.php").toString());
            }
            processes.run("php", "-d", "mail.log=" + apache.log("mail.log"), "-d", "sendmail_path=" + apache.sendmailSink(),
                    work.resolve("cron/report.php").toString());
            processes.shell("curl -s -o /dev/null --interface " + BULK_CALLER + " '" + apache.url("/wp-content/uploads/bulk.php?n=300") + "'");
            Heard mail = await(IncidentKind.MAIL, Alert.State.FIRING, mailStart + PROMPT.toMillis() + 5_000);

            long ioStart = System.currentTimeMillis();
            processes.shell("timeout 45 sha256sum /dev/zero");
            Path scratch = Files.createDirectories(Path.of("/var/tmp")).resolve("culprit-e2e-" + ProcessHandle.current().pid());
            // direct writes of 2 GiB, over and over: each rewrite frees the last one's blocks, which the
            // discard-mounted disk of this machine kind then trims; the shell and timeout only wait
            processes.shell("timeout 40 sh -c 'while :; do dd if=/dev/zero of=" + scratch
                    + " bs=1M count=2048 oflag=direct status=none; done'; rm -f " + scratch);
            // I/O pressure is a 10-second average: the condition starts some seconds into the load, and
            // the deadline counts from there, as the host's own samples (kept in H2) show it
            Heard io = await(IncidentKind.IOWAIT, Alert.State.FIRING, ioStart + 40_000);
            long stallSeen = firstStalledSample(runtime, rules, ioStart);
            assertThat(stallSeen - ioStart).as("ms from the writer's start to a sample over the rule's thresholds")
                    .isLessThan(20_000);
            assertThat(io.atMs()).as("I/O-wait FIRING on time").isLessThanOrEqualTo(stallSeen + rules.iowait().forMs() + PROMPT.toMillis());

            awaitResolved(dos, dosStart + 40_000 + rules.dos().cooldownMs() + 45_000);
            awaitResolved(io, ioStart + 40_000 + rules.iowait().cooldownMs() + 45_000);
            awaitResolved(mail, mailStart + 15_000 + 60_000 + 30_000 + 45_000);

            assertOneIncident(IncidentKind.DOS);
            Alert dosLast = last(dos);
            assertThat(names(dosLast, "client")).as("DoS clients").contains(PAGE_FLOODER, LOGIN_FLOODER, QUIET_FLOODER)
                    .doesNotContain(LEGIT, MONITOR, "127.0.0.1");

            assertOneIncident(IncidentKind.MAIL);
            Alert mailLast = last(mail);
            assertThat(names(mailLast, "script")).as("mailing scripts")
                    .containsExactly(apache.docroot().resolve("wp-content/uploads/bulk.php").toString());
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
        Files.writeString(docroot.resolve("login.php"), "<?php echo \"<html><body>login form</body></html>\\n\";\n");
        Files.writeString(docroot.resolve("contact.php"), String.join("\n",
                "<?php",
                "// a contact form: one mail per message",
                "$ok = mail('info@shop.example', 'Contact form: ' . ($_POST['name'] ?? 'anonymous'), $_POST['message'] ?? '',",
                "    'From: webform@shop.example');",
                "echo $ok ? \"Thanks.\\n\" : \"Sorry.\\n\";", ""));
        Path uploads = Files.createDirectories(docroot.resolve("wp-content/uploads"));
        Files.writeString(uploads.resolve("bulk.php"), String.join("\n",
                "<?php",
                "// a dropped bulk mailer: one mail per loop, each with a Bcc list, paced as spammers pace to stay unnoticed",
                "$n = (int) ($_GET['n'] ?? 100);",
                "for ($i = 0; $i < $n; $i++) {",
                "    mail(\"user$i@mail.example\", \"Your invoice $i\", \"pay now\\n\",",
                "        \"From: billing@shop.example\\r\\nBcc: a$i@mail.example, b$i@other.example\");",
                "    usleep(20000);",
                "}",
                "echo \"sent $n\\n\";", ""));
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
        Path shipped = Path.of("../rules");
        Path rules = Files.createDirectories(work.resolve("rules"));
        for (String kind : List.of("iowait", "dos", "mail")) {
            Files.copy(shipped.resolve(kind + ".yaml"), rules.resolve(kind + ".yaml"));
        }
        Path mail = rules.resolve("mail.yaml");
        String text = Files.readString(mail);
        String shortened = text.replaceFirst("(?m)^window: 10m", "window: 1m").replaceFirst("(?m)^cooldown: 10m", "cooldown: 30s");
        assertThat(shortened).as("the shipped mail.yaml still has window: 10m and cooldown: 10m").isNotEqualTo(text)
                .contains("window: 1m").contains("cooldown: 30s");
        Files.writeString(mail, shortened);
        return rules;
    }
}
