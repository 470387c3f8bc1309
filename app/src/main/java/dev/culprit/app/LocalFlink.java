package dev.culprit.app;

import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.events.access.RandomSecret;
import dev.culprit.storage.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.SecurityOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Flink's local environment as Culprit runs it, in this JVM: everything it listens on (the REST
 * endpoint, the blob server) is bound to 127.0.0.1 and speaks only mutual TLS, so a connection
 * without the data directory's key gets nothing. The key is one self-signed certificate, the
 * keystore and truststore both, made once per data directory by the JDK's {@code keytool}:
 * {@code secrets/flink-internal.p12}, its password in {@code secrets/flink-internal.password}
 * (both 0600, in the 0700 secrets directory).
 */
final class LocalFlink {

    static final String KEYSTORE = "flink-internal.p12";
    static final String PASSWORD = "flink-internal.password";
    private static final String LOCK = ".flink-internal.lock";
    private static final String LOOPBACK = "127.0.0.1";
    private static final String TYPE = "PKCS12";
    private static final String PASSWORD_VARIABLE = "CULPRIT_FLINK_KEYSTORE_PASSWORD";

    private LocalFlink() {}

    /** A local environment of parallelism 1 with Flink's defaults, reachable only as described above. */
    static StreamExecutionEnvironment environment(Path dataDir) {
        return environment(dataDir, new Configuration());
    }

    /** The same with {@code settings} (restart strategy and so on) besides; they cannot loosen the binding or TLS. */
    static StreamExecutionEnvironment environment(Path dataDir, Configuration settings) {
        Configuration conf = new Configuration(settings);
        conf.addAll(lockedDown(dataDir));
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    /** The bind addresses and TLS settings, with the data directory's keystore (made if missing). */
    static Configuration lockedDown(Path dataDir) {
        Keystore keystore = keystore(dataDir);
        Configuration conf = new Configuration();
        // Nothing binds the wildcard address: REST, the blob server (jobmanager.bind-host), and the
        // RPC and data ports should a setting ever make them remote (the local cluster keeps RPC and
        // shuffle in-process and opens no port for them).
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);

        String file = keystore.file().toAbsolutePath().toString();
        // Internal: blob server and its clients, RPC, data plane. Flink's internal TLS always asks the
        // peer for a certificate, and trusts only what the truststore holds: this one certificate.
        conf.set(SecurityOptions.SSL_INTERNAL_ENABLED, true);
        conf.set(SecurityOptions.SSL_INTERNAL_KEYSTORE, file);
        conf.set(SecurityOptions.SSL_INTERNAL_KEYSTORE_PASSWORD, keystore.password());
        conf.set(SecurityOptions.SSL_INTERNAL_KEY_PASSWORD, keystore.password());
        conf.set(SecurityOptions.SSL_INTERNAL_KEYSTORE_TYPE, TYPE);
        conf.set(SecurityOptions.SSL_INTERNAL_TRUSTSTORE, file);
        conf.set(SecurityOptions.SSL_INTERNAL_TRUSTSTORE_PASSWORD, keystore.password());
        conf.set(SecurityOptions.SSL_INTERNAL_TRUSTSTORE_TYPE, TYPE);
        // REST: TLS with client authentication, so no request without the certificate is answered.
        conf.set(SecurityOptions.SSL_REST_ENABLED, true);
        conf.set(SecurityOptions.SSL_REST_AUTHENTICATION_ENABLED, true);
        conf.set(SecurityOptions.SSL_REST_KEYSTORE, file);
        conf.set(SecurityOptions.SSL_REST_KEYSTORE_PASSWORD, keystore.password());
        conf.set(SecurityOptions.SSL_REST_KEY_PASSWORD, keystore.password());
        conf.set(SecurityOptions.SSL_REST_KEYSTORE_TYPE, TYPE);
        conf.set(SecurityOptions.SSL_REST_TRUSTSTORE, file);
        conf.set(SecurityOptions.SSL_REST_TRUSTSTORE_PASSWORD, keystore.password());
        conf.set(SecurityOptions.SSL_REST_TRUSTSTORE_TYPE, TYPE);
        return conf;
    }

    /** The keystore file and its password. */
    record Keystore(Path file, String password) {
        @Override
        public String toString() {
            return "Keystore[" + file + "]";
        }
    }

    /**
     * Makes the data directory's keystore on a thread of its own, for a command with other work to do
     * before it starts Flink: keytool takes a second or two on a new directory. {@link #keystore}
     * waits for it; a failure here is left to that call, which meets it again and says why.
     */
    static void prepareKeystore(Path dataDir) {
        Thread maker = new Thread(() -> {
            try {
                keystore(dataDir);
            } catch (RuntimeException e) {
                // reported by the command's own call of keystore()
            }
        }, "flink-keystore");
        maker.setDaemon(true);
        maker.start();
    }

    /**
     * The data directory's keystore: the existing one, or a new one if there is none. A lock file
     * keeps two Culprits starting at once on a new directory from making two.
     */
    static synchronized Keystore keystore(Path dataDir) {
        Path secrets = dataDir.resolve(DataDirectory.SECRETS);
        OwnerOnlyFile.privateDirectory(secrets);
        Path keystore = secrets.resolve(KEYSTORE);
        Path password = secrets.resolve(PASSWORD);
        try (FileChannel lockFile = FileChannel.open(secrets.resolve(LOCK),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock lock = lockFile.lock()) {
            if (Files.exists(keystore, LinkOption.NOFOLLOW_LINKS) && Files.exists(password, LinkOption.NOFOLLOW_LINKS)) {
                OwnerOnlyFile.checkPrivate(keystore);
                return new Keystore(keystore, OwnerOnlyFile.read(password).strip());
            }
            // None yet, or half a pair an interrupted start left: a new pair (the key only ever served this JVM's Flink).
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(password);
            String secret = RandomSecret.generate();
            Path fresh = secrets.resolve(KEYSTORE + ".new");
            Files.deleteIfExists(fresh);
            generate(fresh, secret);
            Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-------"));
            OwnerOnlyFile.create(password, secret + "\n");
            // The keystore appears last, so a keystore always has its password beside it.
            Files.move(fresh, keystore, StandardCopyOption.ATOMIC_MOVE);
            return new Keystore(keystore, secret);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the local Flink's keystore in " + secrets.toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
    }

    /** keytool makes the key pair and self-signed certificate; the password goes by environment, never on a command line others can read. */
    private static void generate(Path file, String password) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair",
                "-alias", "culprit-local-flink", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=culprit-local-flink", "-ext", "SAN=ip:" + LOOPBACK + ",dns:localhost",
                "-storetype", TYPE, "-keystore", file.toString(), "-storepass:env", PASSWORD_VARIABLE)
                .redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + keytool + " to make the keystore: " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(keytool + " did not finish making the keystore within 2 minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + keytool + " made the keystore", e);
        }
        if (process.exitValue() != 0 || !Files.exists(file)) {
            throw new IOException(keytool + " failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
