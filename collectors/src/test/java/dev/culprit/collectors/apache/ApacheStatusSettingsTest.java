package dev.culprit.collectors.apache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mistakes in the poller's configuration, reported so they can be fixed, and secrets kept out of sight. */
class ApacheStatusSettingsTest {

    private static final URI STATUS = URI.create("http://127.0.0.1/server-status");

    @Test
    void defaultsAreAPlainPageWithShortTimeouts() {
        ApacheStatusSettings settings = ApacheStatusSettings.of(STATUS);

        assertThat(settings.extended()).isFalse();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.credentials(Map.of())).isEmpty();
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> ApacheStatusSettings.of(URI.create("http://admin:s3cret@127.0.0.1/server-status")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("credentialsEnv or credentialsFile")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void theUrlMustBeThePageItself() {
        assertThatThrownBy(() -> ApacheStatusSettings.of(URI.create("http://127.0.0.1/server-status?auto")))
                .hasMessage("apache status url must have no query or fragment (?auto is added),"
                        + " got http://127.0.0.1/server-status?auto");
        assertThatThrownBy(() -> ApacheStatusSettings.of(URI.create("ftp://127.0.0.1/server-status")))
                .hasMessageStartingWith("apache status url must be an http(s) URL with a host");
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> new ApacheStatusSettings(STATUS, false, Duration.ZERO, null, null, null))
                .hasMessage("apache status connectTimeout must be positive, got PT0S");
    }

    @Test
    void credentialsComeFromOnePlaceOnly() {
        assertThatThrownBy(() -> new ApacheStatusSettings(STATUS, false, null, null, "STATUS_AUTH", Path.of("/etc/x")))
                .hasMessage("apache status credentials: give credentialsEnv or credentialsFile, not both");
    }

    @Test
    void anUnsetVariableOrMissingFileIsNamedAndTheValueNeverShown() {
        ApacheStatusSettings fromEnv = new ApacheStatusSettings(STATUS, false, null, null, "STATUS_AUTH", null);
        ApacheStatusSettings fromFile = new ApacheStatusSettings(STATUS, false, null, null, null, Path.of("/nonexistent/status.secret"));

        assertThatThrownBy(() -> fromEnv.credentials(Map.of()))
                .hasMessage("environment variable STATUS_AUTH is not set; it should hold user:password");
        assertThatThrownBy(() -> fromEnv.credentials(Map.of("STATUS_AUTH", "s3cret")))
                .hasMessage("environment variable STATUS_AUTH should hold user:password, and has no user before a ':'");
        assertThatThrownBy(() -> fromFile.credentials(Map.of()))
                .hasMessage("credentials file /nonexistent/status.secret cannot be read: NoSuchFileException");
    }

    @Test
    void credentialsNeverShowInText() {
        BasicCredentials credentials = new ApacheStatusSettings(STATUS, false, null, null, "STATUS_AUTH", null)
                .credentials(Map.of("STATUS_AUTH", "culprit:s3cret")).orElseThrow();

        assertThat(credentials.user()).isEqualTo("culprit");
        assertThat(credentials.toString()).doesNotContain("culprit").doesNotContain("s3cret");
        assertThat(credentials.authorization()).isEqualTo("Basic Y3VscHJpdDpzM2NyZXQ=");
    }
}
