package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.OwnerOnlyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's password is made once per data directory and kept where only its owner can read it. */
@Tag("slow")
class EmbeddedRuntimeKafkaLoginTest {

    @TempDir
    Path dataDir;

    @Test
    void thePasswordIsMadeOnceKeptPrivateAndReused() throws Exception {
        Path login = dataDir.resolve(EmbeddedRuntime.KAFKA_CLIENT_PROPERTIES);
        KafkaAccess first;
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir)) {
            first = runtime.kafka();
            assertThat(first.clientSettings()).containsEntry("security.protocol", "SASL_PLAINTEXT");
            // what `culprit rules push --data-dir` reads is the login the broker takes
            String address = Files.readString(dataDir.resolve(EmbeddedRuntime.BOOTSTRAP_FILE)).trim();
            assertThat(KafkaAccess.fromPropertiesFile(address, login)).isEqualTo(first);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(login))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(login.getParent()))).isEqualTo("rwx------");
        String written = Files.readString(login);

        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir)) {
            assertThat(runtime.kafka().clientSettings()).isEqualTo(first.clientSettings());
        }
        assertThat(Files.readString(login)).isEqualTo(written);
    }

    @Test
    void aLoginOthersCouldReadIsNotUsed() throws Exception {
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir)) {
            assertThat(runtime.kafka()).isNotNull();
        }
        Path login = dataDir.resolve(EmbeddedRuntime.KAFKA_CLIENT_PROPERTIES);
        Files.setPosixFilePermissions(login, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> EmbeddedRuntime.start(dataDir).close())
                .isInstanceOf(OwnerOnlyFile.UnsafeSecretFile.class)
                .hasMessageContaining("chmod 600 " + login.toAbsolutePath());
    }
}
