package dev.culprit.collectors.apache;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to read one Apache's mod_status.
 *
 * @param url the status page, e.g. {@code http://127.0.0.1/server-status}; {@code ?auto} is
 *     appended for the counters. No user info (credentials go in an env variable or a file) and no
 *     query.
 * @param extended also read the HTML page for the ExtendedStatus worker table (who asks for what)
 * @param connectTimeout how long to wait for a connection; null means 2 s
 * @param readTimeout how long to wait for a whole response once connected; null means 5 s. Under
 *     a DoS the status page itself is slow: keep it below the poll interval.
 * @param credentialsEnv name of an environment variable holding {@code user:password}, or null
 * @param credentialsFile a file whose first line is {@code user:password}, or null
 */
public record ApacheStatusSettings(
        URI url, boolean extended, Duration connectTimeout, Duration readTimeout,
        String credentialsEnv, Path credentialsFile) {

    public ApacheStatusSettings {
        if (url == null) {
            throw new IllegalArgumentException("apache status url is required");
        }
        if (url.getRawUserInfo() != null) {
            // Said without echoing the URL: it holds a password.
            throw new IllegalArgumentException("apache status url must not hold user info;"
                    + " put user:password in credentialsEnv or credentialsFile");
        }
        if (url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("apache status url must be an http(s) URL with a host, got " + url);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("apache status url must have no query or fragment (?auto is added), got " + url);
        }
        connectTimeout = positive(connectTimeout, Duration.ofSeconds(2), "connectTimeout");
        readTimeout = positive(readTimeout, Duration.ofSeconds(5), "readTimeout");
        if (credentialsEnv != null && credentialsFile != null) {
            throw new IllegalArgumentException("apache status credentials: give credentialsEnv or credentialsFile, not both");
        }
    }

    /** A plain page: no ExtendedStatus table, default timeouts, no credentials. */
    public static ApacheStatusSettings of(URI url) {
        return new ApacheStatusSettings(url, false, null, null, null, null);
    }

    /** The credentials these settings point at, read now; an unset variable or unreadable file is an error naming it. */
    public Optional<BasicCredentials> credentials(Map<String, String> environment) {
        if (credentialsEnv != null) {
            return Optional.of(BasicCredentials.fromEnvironment(credentialsEnv, environment));
        }
        if (credentialsFile != null) {
            return Optional.of(BasicCredentials.fromFile(credentialsFile));
        }
        return Optional.empty();
    }

    URI autoUrl() {
        return URI.create(url + "?auto");
    }

    private static Duration positive(Duration value, Duration otherwise, String name) {
        if (value == null) {
            return otherwise;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("apache status " + name + " must be positive, got " + value);
        }
        return value;
    }
}
