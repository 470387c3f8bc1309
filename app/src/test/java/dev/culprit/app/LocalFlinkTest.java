package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.culprit.events.access.OwnerOnlyFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.SecurityOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local Flink Culprit runs in-process listens on 127.0.0.1 only, and answers no one without the data directory's key. */
class LocalFlinkTest {

    private static final String GET_CONFIG = "GET /config HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    void theRunningLocalFlinkListensOnLoopbackOnlyAndAnswersNoOneWithoutTheKey() throws Exception {
        Map<Integer, InetAddress> before = listeningSockets();
        StreamExecutionEnvironment env = EmbeddedRuntime.localFlink(dir, SavedJobState.in(dir, "embedded")); // as `culprit demo` and `culprit run` start it
        env.fromSequence(0, Long.MAX_VALUE).map(n -> {
            Thread.sleep(50);
            return n;
        }).sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("local-flink-test");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> job.getJobStatus().get() == JobStatus.RUNNING);
            Map<Integer, InetAddress> flink = new LinkedHashMap<>(listeningSockets());
            flink.keySet().removeAll(before.keySet());

            assertThat(flink).as("ports Flink listens on").isNotEmpty();
            assertThat(flink.values()).as("Flink's listening addresses " + flink)
                    .allSatisfy(address -> assertThat(address.getHostAddress()).isEqualTo("127.0.0.1"));

            SSLContext withKey = tls(dir, true);
            SSLContext withoutKey = tls(dir, false);
            List<Integer> rest = new ArrayList<>();
            for (int port : flink.keySet()) {
                // with the data directory's key each port completes a TLS handshake: TLS is what they speak
                try (SSLSocket s = (SSLSocket) withKey.getSocketFactory().createSocket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                }
                if (answer(withKey, port, GET_CONFIG).startsWith("HTTP/1.1 200")) {
                    rest.add(port);
                }
                // without it, neither plain bytes nor TLS without a client certificate get an answer
                assertThat(plainAnswer(port, GET_CONFIG.getBytes(StandardCharsets.US_ASCII)))
                        .as("plain HTTP GET to port " + port).satisfies(LocalFlinkTest::nothingButARedirectToTls);
                assertThat(answer(withoutKey, port, GET_CONFIG)).as("HTTPS GET without a client certificate to port " + port)
                        .isEmpty();
            }
            assertThat(rest).as("the REST endpoint among " + flink.keySet()).hasSize(1);
            List<Integer> others = new ArrayList<>(flink.keySet());
            others.removeAll(rest);
            assertThat(others).as("the blob server").isNotEmpty();
            for (int blob : others) {
                // a blob GET in Flink's plain protocol (operation, content type, then a key): closed, unanswered
                byte[] get = new byte[64];
                get[0] = 1; // GET_OPERATION
                get[1] = 0; // JOB_UNRELATED_CONTENT
                assertThat(plainAnswer(blob, get)).as("plain blob request to port " + blob)
                        .satisfies(LocalFlinkTest::nothingButATlsAlert);
            }
            // nor does a cancel request (the REST API allows it: "web-cancel" is true) without the key
            String cancel = "PATCH /jobs/" + job.getJobID() + "?mode=cancel HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n";
            assertThat(plainAnswer(rest.get(0), cancel.getBytes(StandardCharsets.US_ASCII)))
                    .satisfies(LocalFlinkTest::nothingButARedirectToTls);
            assertThat(answer(withoutKey, rest.get(0), cancel)).isEmpty();
            Thread.sleep(1_000);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            System.out.println("local Flink listens on " + flink + "; REST " + rest + ", blob server " + others);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void theKeystoreIsItsOwnersAloneAndASecondStartReusesIt() throws Exception {
        Configuration first = LocalFlink.lockedDown(dir);
        Path secrets = dir.resolve("secrets");
        Path keystore = secrets.resolve(LocalFlink.KEYSTORE);
        Path password = secrets.resolve(LocalFlink.PASSWORD);

        assertThat(mode(secrets)).isEqualTo("rwx------");
        assertThat(mode(keystore)).isEqualTo("rw-------");
        assertThat(mode(password)).isEqualTo("rw-------");
        assertThat(first.get(SecurityOptions.SSL_INTERNAL_KEYSTORE)).isEqualTo(keystore.toAbsolutePath().toString());
        assertThat(first.get(SecurityOptions.SSL_REST_TRUSTSTORE)).isEqualTo(keystore.toAbsolutePath().toString());
        assertThat(first.get(SecurityOptions.SSL_INTERNAL_KEYSTORE_PASSWORD)).isEqualTo(Files.readString(password).strip())
                .hasSizeGreaterThanOrEqualTo(32);
        assertThat(loadKeystore(keystore, Files.readString(password).strip()).size()).isEqualTo(1);
        byte[] keyBytes = Files.readAllBytes(keystore);

        Configuration second = LocalFlink.lockedDown(dir);

        assertThat(Files.readAllBytes(keystore)).isEqualTo(keyBytes);
        assertThat(second.get(SecurityOptions.SSL_INTERNAL_KEYSTORE_PASSWORD))
                .isEqualTo(first.get(SecurityOptions.SSL_INTERNAL_KEYSTORE_PASSWORD));
        assertThat(secrets.toFile().list()).doesNotContain(LocalFlink.KEYSTORE + ".new");
    }

    @Test
    void aKeystoreOthersCanReadIsRefusedWithTheFix() {
        LocalFlink.lockedDown(dir);
        Path keystore = dir.resolve("secrets").resolve(LocalFlink.KEYSTORE);
        keystore.toFile().setReadable(true, false);

        assertThatThrownBy(() -> LocalFlink.lockedDown(dir)).isInstanceOf(OwnerOnlyFile.UnsafeSecretFile.class)
                .hasMessageContaining("chmod 600 " + keystore.toAbsolutePath());
    }

    @Test
    void aKeystoreWhosePasswordIsGoneIsReplaced() throws Exception {
        LocalFlink.lockedDown(dir);
        Path keystore = dir.resolve("secrets").resolve(LocalFlink.KEYSTORE);
        byte[] old = Files.readAllBytes(keystore);
        Files.delete(dir.resolve("secrets").resolve(LocalFlink.PASSWORD));

        Configuration conf = LocalFlink.lockedDown(dir);

        assertThat(Files.readAllBytes(keystore)).isNotEqualTo(old);
        assertThat(loadKeystore(keystore, conf.get(SecurityOptions.SSL_REST_KEYSTORE_PASSWORD)).size()).isEqualTo(1);
    }

    @Test
    void replayAndTheEmbeddedRuntimeGetTheSameLockedDownSettings() {
        Configuration locked = LocalFlink.lockedDown(dir);

        assertThat(locked.toMap()).containsEntry("rest.bind-address", "127.0.0.1")
                .containsEntry("rest.address", "127.0.0.1")
                .containsEntry("jobmanager.bind-host", "127.0.0.1")
                .containsEntry("jobmanager.rpc.address", "127.0.0.1")
                .containsEntry("taskmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.host", "127.0.0.1")
                .containsEntry("security.ssl.internal.enabled", "true")
                .containsEntry("security.ssl.rest.enabled", "true")
                .containsEntry("security.ssl.rest.authentication-enabled", "true");
        Configuration replay = (Configuration) LocalFlink.environment(dir).getConfiguration();
        Configuration embedded = (Configuration) EmbeddedRuntime.localFlink(dir, SavedJobState.in(dir, "embedded")).getConfiguration();
        assertThat(replay.toMap()).containsAllEntriesOf(locked.toMap());
        assertThat(embedded.toMap()).containsAllEntriesOf(locked.toMap())
                .containsEntry("restart-strategy.type", "exponential-delay")
                .containsEntry("restart-strategy.exponential-delay.attempts-before-reset-backoff", String.valueOf(Integer.MAX_VALUE));
    }

    /**
     * Flink's REST endpoint answers plain HTTP on its TLS port with a bodiless redirect to https
     * (its RedirectingSslHandler, not configurable); that and a bare close are all a plain client gets.
     */
    private static void nothingButARedirectToTls(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/")) {
            assertThat(text).startsWith("HTTP/1.1 301 ").containsPattern("(?i)location: https://127\\.0\\.0\\.1:")
                    .containsIgnoringCase("content-length: 0").endsWith("\r\n\r\n");
        } else {
            nothingButATlsAlert(response);
        }
    }

    private static void nothingButATlsAlert(byte[] response) {
        // a closed connection, at most with a TLS alert record (type 21): never an HTTP or blob answer
        assertThat(response.length == 0 || response[0] == 0x15)
                .as("response %s", HexFormat.of().formatHex(response)).isTrue();
    }

    /** What a plain TCP client sending {@code request} reads until the server closes the connection. */
    private static byte[] plainAnswer(int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readUntilClosed(s.getInputStream());
        }
    }

    /** The HTTP answer over TLS, or "" when the handshake or the connection fails. */
    private static String answer(SSLContext tls, int port, String request) {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(readUntilClosed(s.getInputStream()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                got.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection in 10 s; got "
                    + HexFormat.of().formatHex(got.toByteArray()), e);
        } catch (IOException e) {
            // reset: closed without an answer
        }
        return got.toByteArray();
    }

    /** TLS trusting the data directory's certificate, presenting it as client certificate only if {@code withKey}. */
    private static SSLContext tls(Path dataDir, boolean withKey) throws Exception {
        Path file = dataDir.resolve("secrets").resolve(LocalFlink.KEYSTORE);
        String password = Files.readString(dataDir.resolve("secrets").resolve(LocalFlink.PASSWORD)).strip();
        KeyStore store = loadKeystore(file, password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        if (withKey) {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        } else {
            context.init(null, trust.getTrustManagers(), null);
        }
        return context;
    }

    private static KeyStore loadKeystore(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

    /** The TCP ports this process listens on, with their local address, from /proc/net/tcp{,6} and /proc/self/fd. */
    static Map<Integer, InetAddress> listeningSockets() throws IOException {
        Set<String> mine = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        mine.add(m.group(1));
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        Map<Integer, InetAddress> listening = new LinkedHashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (!f[3].equals("0A") || !mine.contains(f[9])) {
                    continue;
                }
                String[] local = f[1].split(":");
                listening.put(Integer.parseInt(local[1], 16), address(local[0]));
            }
        }
        return listening;
    }

    /** The kernel prints addresses as 32-bit words in host order (little-endian here). */
    private static InetAddress address(String hex) throws IOException {
        byte[] bytes = HexFormat.of().parseHex(hex);
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 0; i < 2; i++) {
                byte b = bytes[word + i];
                bytes[word + i] = bytes[word + 3 - i];
                bytes[word + 3 - i] = b;
            }
        }
        return InetAddress.getByAddress(bytes); // ::ffff:a.b.c.d comes back as the IPv4 address
    }
}
