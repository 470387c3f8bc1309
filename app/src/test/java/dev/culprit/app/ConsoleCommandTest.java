package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.IncidentStore;
import dev.culprit.testkit.ListeningSockets;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleCommandTest {

    @TempDir
    Path dir;

    /** In its own JVM, as an operator runs it. */
    @Test
    void servesH2sConsoleOnLoopbackOnlyBehindTheReadOnlyLogin() throws Exception {
        QueryCommandTest.write(new IncidentStore(DataDirectory.prepare(dir, notice -> { }).database("culprit")), System.currentTimeMillis());
        String readerPassword = secret(dir, "reader.password");
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
            String base = "http://127.0.0.1:" + address.group(1) + "/";
            assertThat(all).contains("user CULPRIT_READER").contains("reader.password").doesNotContain(readerPassword);

            assertThat(get(base, null).statusCode()).as("no login").isEqualTo(401);
            assertThat(get(base, "CULPRIT_READER:not-the-password").statusCode()).as("wrong password").isEqualTo(401);
            assertThat(get(base, "sa:").statusCode()).as("H2's default login").isEqualTo(401);
            String login = "CULPRIT_READER:" + readerPassword;
            HttpResponse<String> page = get(base, login);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).containsIgnoringCase("h2");

            // logged in through H2's own form as the read-only user, nothing that runs code or reads files works
            Matcher session = Pattern.compile("jsessionid=([0-9a-f]+)").matcher(page.body());
            assertThat(session.find()).as(page.body()).isTrue();
            String jsession = session.group(1);
            String jdbc = DataDirectory.existing(dir).reader("culprit").url();
            HttpResponse<String> loggedIn = get(base + "login.do?jsessionid=" + jsession + "&driver=org.h2.Driver&url=" + encode(jdbc)
                    + "&user=CULPRIT_READER&password=" + encode(readerPassword), login);
            assertThat(loggedIn.body()).doesNotContain("Wrong user name or password");
            HttpResponse<String> count = get(base + "query.do?jsessionid=" + jsession + "&sql=" + encode("SELECT COUNT(*) AS n FROM incidents"), login);
            assertThat(count.body()).contains("N").contains(">5<");
            HttpResponse<String> fileRead = get(base + "query.do?jsessionid=" + jsession + "&sql=" + encode("SELECT FILE_READ('/etc/hostname')"), login);
            assertThat(fileRead.body()).contains("Admin rights are required");
            HttpResponse<String> alias = get(base + "query.do?jsessionid=" + jsession + "&sql="
                    + encode("CREATE ALIAS RUN_AS_US FOR 'java.lang.Runtime.getRuntime'"), login);
            assertThat(alias.body()).contains("Admin rights are required");

            assertThat(ListeningSockets.on(Integer.parseInt(address.group(1)))).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.isLoopbackAddress()).as(a.toString()).isTrue());

            Matcher password = Pattern.compile("admin password .*: (\\S+)$").matcher(
                    output.stream().filter(l -> l.contains("admin password")).findFirst().orElseThrow());
            assertThat(password.find()).isTrue();
            String secret = password.group(1);
            assertThat(secret).hasSizeGreaterThanOrEqualTo(24);

            console.destroy(); // what Ctrl-C does: the shutdown hook stops the server
            assertThat(console.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String everything = Files.readString(log);
            assertThat(everything.split(Pattern.quote(secret), -1)).as("times the password appears").hasSize(2);
            assertThat(ListeningSockets.on(Integer.parseInt(address.group(1)))).isEmpty();
        } finally {
            console.destroyForcibly();
        }
    }

    @Test
    void aMissingDatabaseIsAUsageMistake() {
        assertThat(QueryCommandTest.run("console", "--data-dir", dir.resolve("nothing").toString()).exit()).isEqualTo(2);
        assertThat(dir.resolve("nothing")).doesNotExist();
    }

    private static HttpResponse<String> get(String url, String basicLogin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (basicLogin != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicLogin.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static String secret(Path dataDir, String key) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dataDir.resolve("secrets/database.properties"))));
        return p.getProperty(key);
    }
}
