package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.storage.Database;
import dev.culprit.storage.IncidentStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleCommandTest {

    @TempDir
    Path dir;

    /** In its own JVM, as an operator runs it: H2 reads its bind address once per JVM. */
    @Test
    void servesH2sConsoleOnLoopbackOnlyAndPrintsItsPasswordOnce() throws Exception {
        QueryCommandTest.write(new IncidentStore(Database.open(Database.fileUrl(dir, "culprit"))), System.currentTimeMillis());
        Path log = dir.resolve("console.out");
        Process console = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Culprit.class.getName(),
                "console", "--data-dir", dir.toString(), "--port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            List<String> output = Files.readAllLines(log);
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                 output.stream().noneMatch(l -> l.contains("admin password")) && System.nanoTime() < deadline; ) {
                assertThat(console.isAlive()).as(String.join("\n", output)).isTrue();
                Thread.sleep(100);
                output = Files.readAllLines(log);
            }
            String all = String.join("\n", output);
            Matcher address = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(all);
            assertThat(address.find()).as(all).isTrue();
            int port = Integer.parseInt(address.group(1));
            assertThat(all).contains("JDBC URL:  " + Database.fileUrl(dir, "culprit"));

            HttpResponse<String> page = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).containsIgnoringCase("h2");

            assertThat(listeningAddresses(port)).isNotEmpty().allSatisfy(a -> assertThat(a).isIn(LOOPBACK_V4, LOOPBACK_V4_IN_V6));

            Matcher password = Pattern.compile("admin password .*: (\\S+)$").matcher(
                    output.stream().filter(l -> l.contains("admin password")).findFirst().orElseThrow());
            assertThat(password.find()).isTrue();
            String secret = password.group(1);
            assertThat(secret).hasSizeGreaterThanOrEqualTo(24);

            console.destroy(); // what Ctrl-C does: the shutdown hook stops the server
            assertThat(console.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String everything = Files.readString(log);
            assertThat(everything.split(Pattern.quote(secret), -1)).as("times the password appears").hasSize(2);
            assertThat(listeningAddresses(port)).isEmpty();
        } finally {
            console.destroyForcibly();
        }
    }

    @Test
    void refusesToStartWhenH2WasLoadedBeforeItsBindAddressCouldBeSet() {
        String before = org.h2.engine.SysProperties.BIND_ADDRESS; // loads H2's settings in this JVM, unset
        try {
            QueryCommandTest.write(new IncidentStore(Database.open(Database.fileUrl(dir, "culprit"))), System.currentTimeMillis());
            QueryCommandTest.Run r = QueryCommandTest.run("console", "--data-dir", dir.toString(), "--port", "0");

            assertThat(before).isNull();
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("not starting");
            assertThat(r.out()).doesNotContain("password");
        } finally {
            System.clearProperty("h2.bindAddress");
        }
    }

    @Test
    void aMissingDatabaseIsAUsageMistake() {
        assertThat(QueryCommandTest.run("console", "--data-dir", dir.resolve("nothing").toString()).exit()).isEqualTo(2);
    }

    private static final String LOOPBACK_V4 = "0100007F";
    private static final String LOOPBACK_V4_IN_V6 = "0000000000000000FFFF00000100007F";

    /** Local addresses of TCP sockets listening on the port, as the kernel lists them (hex, as in /proc/net/tcp). */
    private static List<String> listeningAddresses(int port) throws Exception {
        String hexPort = String.format("%04X", port);
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String row : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
                String[] f = row.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (local[1].equals(hexPort) && f[3].equals("0A")) {
                    addresses.add(local[0]);
                }
            }
        }
        return addresses;
    }
}
