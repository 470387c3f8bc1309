package dev.culprit.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.RandomSecret;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Neither of the embedded broker's ports serves a client that does not log in with the broker's password. */
class EmbeddedKafkaLoginTest {

    /** The two listeners, and the client setting that points an Admin at each. */
    enum Listener {
        CLIENT(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG),
        CONTROLLER(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG);

        final String bootstrapSetting;

        Listener(String bootstrapSetting) {
            this.bootstrapSetting = bootstrapSetting;
        }

        int port(EmbeddedKafka kafka) {
            return this == CLIENT ? kafka.port() : kafka.controllerPort();
        }
    }

    @TempDir
    static Path dir;

    private static String password;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        password = RandomSecret.generate();
        kafka = EmbeddedKafka.start(dir, password);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aClientWithoutCredentialsGetsNoAnswer(Listener listener) {
        // The broker drops a connection whose first request is not a SASL handshake, so the client
        // never learns of the cluster and times out.
        Throwable refused = describeCluster(listener, Map.of());

        assertThat(refused).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class);
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aWrongPasswordIsAnAuthenticationError(Listener listener) {
        KafkaAccess wrong = KafkaAccess.saslPlain(kafka.access().bootstrapServers(), EmbeddedKafka.USER, password + "x");

        Throwable refused = describeCluster(listener, wrong.clientSettings());

        assertThat(refused).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("Invalid username or password");
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void theBrokersOwnAccessIsServed(Listener listener) {
        assertThat(describeCluster(listener, kafka.access().clientSettings())).isNull();
    }

    @Test
    void thePasswordIsNotShownWithTheAccess() {
        assertThat(kafka.access().toString()).doesNotContain(password).contains(kafka.access().bootstrapServers());
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void theListenerIsBoundToLoopbackOnly(Listener listener) throws IOException {
        int port = listener.port(kafka);
        assumeThat(Path.of("/proc/net/tcp")).as("Linux /proc/net").exists();

        assertThat(listeningAddresses(port)).as("local addresses listening on port " + port)
                .isNotEmpty()
                .allSatisfy(address -> assertThat(address).isIn("0100007F", "0000000000000000FFFF00000100007F"));
        for (InetAddress address : nonLoopbackAddresses()) {
            assertThat(connects(address, port)).as("port " + port + " reachable on " + address).isFalse();
        }
    }

    /** {@code null} when the Admin described the cluster, else what {@code get()} threw. */
    private static Throwable describeCluster(Listener listener, Map<String, String> login) {
        Map<String, Object> config = new HashMap<>(login);
        config.put(listener.bootstrapSetting, "127.0.0.1:" + listener.port(kafka));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(config)) {
            return catchThrowable(() -> assertThat(admin.describeCluster().nodes().get(20, TimeUnit.SECONDS)).isNotEmpty());
        }
    }

    /**
     * The local addresses (hex, as the kernel prints them) of sockets listening on {@code port}, from
     * {@code /proc/net/tcp} and {@code tcp6}: the truth about the bind, whatever Java reports.
     */
    private static List<String> listeningAddresses(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) { // after the header
                String[] fields = line.trim().split("\\s+");
                boolean listening = "0A".equals(fields[3]);
                if (listening && fields[1].endsWith(hexPort)) {
                    addresses.add(fields[1].substring(0, fields[1].length() - hexPort.length()));
                }
            }
        }
        return addresses;
    }

    private static Collection<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (nic.isUp() && !nic.isLoopback()) {
                nic.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(addresses::add);
            }
        }
        return addresses;
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
